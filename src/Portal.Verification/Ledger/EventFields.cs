namespace AuditPortal.Verification.Ledger;

/// <summary>
/// One event's fields as bytes (docs/ledger-format.md §2), the form <see cref="EventRecord"/> writes canonical bytes
/// from: text as UTF-8, UUIDs as their 16 bytes in the order their text form spells them (PostgreSQL's binary form),
/// hashes as raw bytes. The verifier reads ledger rows into this straight from the binary COPY buffer, so a row costs
/// no object and no string; a <see cref="LedgerEvent"/> is brought to this form by <see cref="LedgerEventFields"/>.
/// </summary>
/// <remarks>A null text or UUID is an empty span with its <c>Has…</c> flag false (an empty string is a value).</remarks>
public ref struct EventFields
{
    public long Seq;
    public ReadOnlySpan<byte> EventId;
    public ReadOnlySpan<byte> StreamType;
    public ReadOnlySpan<byte> StreamId;
    public long StreamSeq;
    public DateTime OccurredAt;
    public DateTime RecordedAt;
    public ReadOnlySpan<byte> Actor;
    public ReadOnlySpan<byte> Action;
    public bool HasClientAddress;
    public ReadOnlySpan<byte> ClientAddress;
    public int SchemaVersion;

    /// <summary>The payload's UTF-8, embedded in the record as it is.</summary>
    public ReadOnlySpan<byte> Payload;

    public bool HasSupersedes;
    public ReadOnlySpan<byte> Supersedes;

    /// <summary>Whether the record has a lineage object; then <see cref="LineageInputs"/> holds its inputs, 16 bytes each.</summary>
    public bool HasLineage;
    public ReadOnlySpan<byte> LineageInputs;
    public ReadOnlySpan<byte> RuleId;
    public ReadOnlySpan<byte> RuleVersion;
    public bool HasIdempotencyKey;
    public ReadOnlySpan<byte> IdempotencyKey;
    public ReadOnlySpan<byte> PrevHash;
    public ReadOnlySpan<byte> StreamPrevHash;

    /// <summary>Whether a stored hash was read (the verifier checks it); not part of the record.</summary>
    public bool HasHash;
    public ReadOnlySpan<byte> Hash;

    /// <summary>The event id as a <see cref="Guid"/>.</summary>
    public readonly Guid EventGuid => new(EventId, bigEndian: true);
}

using System.Text;

namespace AuditPortal.Verification.Ledger;

/// <summary>
/// One ledger row as the format defines it (docs/ledger-format.md §2). Every field here is part of
/// the hashed record except <see cref="Hash"/>, which is the stored leaf hash the verifier checks.
/// </summary>
/// <remarks>
/// Timestamps are UTC with microsecond precision; <see cref="LedgerTime.Truncate"/> makes a value fit.
/// <see cref="PayloadJson"/> is canonical JSON text (RFC 8785) and is embedded in the record verbatim.
/// An event holds its payload either as that text or as its UTF-8 bytes (<see cref="PayloadUtf8"/>);
/// the record's bytes are the same either way. Set exactly one of the two.
/// </remarks>
public sealed record LedgerEvent
{
    public required long Seq { get; init; }
    public required Guid EventId { get; init; }
    public required string StreamType { get; init; }
    public required string StreamId { get; init; }
    public required long StreamSeq { get; init; }
    public required DateTime OccurredAt { get; init; }
    public required DateTime RecordedAt { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public string? ClientAddress { get; init; }
    public required int SchemaVersion { get; init; }
    private readonly string? payloadJson;
    private readonly byte[]? payloadUtf8;

    /// <summary>The payload as canonical JSON text.</summary>
    /// <remarks>For an event that holds UTF-8 bytes (<see cref="PayloadUtf8"/>) this decodes them on
    /// every access: the verifier never asks for it, so a row read for verification skips the decode.</remarks>
    /// <exception cref="InvalidOperationException">Neither this nor <see cref="PayloadUtf8"/> was set.</exception>
    public string PayloadJson
    {
        get => payloadJson
               ?? (payloadUtf8 is { } utf8 ? Encoding.UTF8.GetString(utf8) : throw new InvalidOperationException("the event has no payload"));
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            payloadJson = value;
            payloadUtf8 = null;
        }
    }

    /// <summary>
    /// The payload as UTF-8 bytes, exactly as the record embeds it; null when the event holds text
    /// (<see cref="PayloadJson"/>). The row reader sets this: PostgreSQL sends text as UTF-8, and the
    /// hash needs UTF-8, so decoding to a .NET string and encoding back (twice per row) is skipped.
    /// </summary>
    public byte[]? PayloadUtf8
    {
        get => payloadUtf8;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            payloadUtf8 = value;
            payloadJson = null;
        }
    }
    public Guid? Supersedes { get; init; }
    public LedgerLineage? Lineage { get; init; }
    public string? IdempotencyKey { get; init; }
    public required byte[] PrevHash { get; init; }
    public required byte[] StreamPrevHash { get; init; }

    /// <summary>The stored leaf hash; null before the event has been hashed.</summary>
    public byte[]? Hash { get; init; }

    public StreamKey Stream => new(StreamType, StreamId);
}

/// <summary>Where a derived event came from: its input events and the rule (and version) that produced it.</summary>
public sealed record LedgerLineage(IReadOnlyList<Guid> Inputs, string RuleId, string RuleVersion);

/// <summary>Identifies one entity's stream.</summary>
public readonly record struct StreamKey(string Type, string Id)
{
    public override string ToString() => $"{Type}/{Id}";
}

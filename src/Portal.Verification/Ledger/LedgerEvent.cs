namespace AuditPortal.Verification.Ledger;

/// <summary>
/// One ledger row as the format defines it (docs/ledger-format.md §2). Every field here is part of
/// the hashed record except <see cref="Hash"/>, which is the stored leaf hash the verifier checks.
/// </summary>
/// <remarks>
/// Timestamps are UTC with microsecond precision; <see cref="LedgerTime.Truncate"/> makes a value fit.
/// <see cref="PayloadJson"/> is canonical JSON text (RFC 8785) and is embedded in the record verbatim.
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
    public required string PayloadJson { get; init; }
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

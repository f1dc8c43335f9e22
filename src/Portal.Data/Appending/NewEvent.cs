using System.Text.Json.Nodes;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Appending;

/// <summary>
/// What a writer hands the appender. The appender assigns the sequences and chain hashes, encrypts
/// the personal fields and canonicalizes the payload; everything else is taken as given.
/// </summary>
public sealed record NewEvent
{
    public required string StreamType { get; init; }
    public required string StreamId { get; init; }

    /// <summary>Business time, from the source; may lie well before system time (late arrival).</summary>
    public required DateTime OccurredAt { get; init; }

    public required string Actor { get; init; }
    public required string Action { get; init; }
    public string? ClientAddress { get; init; }
    public int SchemaVersion { get; init; } = 1;
    /// <summary>A JSON object (converts implicitly from <see cref="JsonObject"/>), or one already canonical: <see cref="EventPayload.Canonical"/>.</summary>
    public required EventPayload Payload { get; init; }

    /// <summary>Top-level payload members that hold personal data; stored encrypted for their subject.</summary>
    public IReadOnlyList<PersonalField> PersonalFields { get; init; } = [];

    public Guid? Supersedes { get; init; }
    public LedgerLineage? Lineage { get; init; }
    public string? IdempotencyKey { get; init; }

    /// <summary>Caller-chosen UUIDv7 (the demo generator needs ids before appending for lineage); generated when null.</summary>
    public Guid? EventId { get; init; }

    /// <summary>System time override for deterministic demo data; the appender's TimeProvider is used when null.</summary>
    public DateTime? RecordedAt { get; init; }
}

/// <summary>A payload member classed as personal data of <paramref name="SubjectId"/>.</summary>
public sealed record PersonalField(string Name, string SubjectId);

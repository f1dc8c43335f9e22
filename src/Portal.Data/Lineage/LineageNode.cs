using AuditPortal.Data.Rules;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Lineage;

/// <summary>
/// One event as the lineage views show it: where it is (stream, stream_seq, seq), its two times, who did
/// what, a one-line summary (<see cref="Timeline.TimelineSummaries"/>: clear values only, never personal data)
/// and, when it was derived, its rule. No payload: a view that shows payloads (replay) carries them itself.
/// </summary>
public sealed record LineageNode(
    Guid EventId,
    long Seq,
    StreamKey Stream,
    long StreamSeq,
    DateTime OccurredAt,
    DateTime RecordedAt,
    string Actor,
    string Action,
    string Summary,
    Guid? Supersedes,
    LineageRule? Rule);

/// <summary>The rule an event was derived by; <see cref="Known"/> is whether this code has that version (<see cref="RuleRegistry"/>).</summary>
public sealed record LineageRule(string Id, string Version, int InputCount)
{
    public bool Known => RuleRegistry.IsKnown(Id, Version);
}

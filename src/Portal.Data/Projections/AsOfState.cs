using System.Text.Json.Nodes;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Projections;

/// <summary>Why an event was applied.</summary>
public enum AppliedReason
{
    /// <summary>Known at K, business time ≤ T, not superseded.</summary>
    Applied,

    /// <summary>A correction, applied in the place (business time and stream_seq) of the event it supersedes.</summary>
    AppliedAsCorrection,
}

/// <summary>Why an event of the stream did not contribute to the state.</summary>
public enum ExcludedReason
{
    /// <summary>recorded_at after K: not yet known at system time K (late arrivals and later corrections).</summary>
    RecordedAfterK,

    /// <summary>Its business time (for a correction: that of the event it corrects) is after T.</summary>
    OccurredAfterT,

    /// <summary>Replaced by a correction recorded at or before K (<see cref="ExcludedEvent.SupersededBy"/>).</summary>
    Superseded,
}

public sealed record AppliedEvent(
    Guid EventId, long Seq, long StreamSeq, string Action, DateTime OccurredAt, DateTime RecordedAt, AppliedReason Reason, Guid? InPlaceOf);

public sealed record ExcludedEvent(
    Guid EventId, long Seq, long StreamSeq, string Action, DateTime OccurredAt, DateTime RecordedAt, ExcludedReason Reason, Guid? SupersededBy);

/// <summary>
/// The state of one entity at business time <see cref="BusinessTime"/> (T) as known at system time
/// <see cref="SystemTime"/> (K), with the events that produced it (in replay order) and every other
/// event of the stream with the reason it was left out.
/// </summary>
/// <param name="Json">The state as RFC 8785 canonical JSON: identical inputs give identical bytes.</param>
/// <param name="BusinessAfterSystem">T is after K: a question about a business future as known at K (allowed; shown as a note).</param>
public sealed record AsOfState(
    StreamKey Stream,
    DateTime BusinessTime,
    DateTime SystemTime,
    bool BusinessAfterSystem,
    string Json,
    string ProjectionVersion,
    IReadOnlyList<AppliedEvent> Applied,
    IReadOnlyList<ExcludedEvent> Excluded)
{
    /// <summary>The UTF-8 bytes of <see cref="Json"/>.</summary>
    public byte[] Utf8() => System.Text.Encoding.UTF8.GetBytes(Json);

    /// <summary>A fresh, mutable copy of the state (e.g. for the gateway's redaction).</summary>
    public JsonObject ToJsonObject() => JsonNode.Parse(Json)!.AsObject();
}

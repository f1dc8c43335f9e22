using System.Globalization;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Timeline;

/// <summary>
/// How many results match in total (all pages). Counting stops at a cap: <see cref="IsExact"/> is
/// false when there are more than <see cref="Count"/> matches (then shown as "more than N").
/// </summary>
public sealed record MatchCount(long Count, bool IsExact)
{
    public override string ToString() => IsExact
        ? Count.ToString("N0", CultureInfo.InvariantCulture)
        : "more than " + Count.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>One page of results, the total match count and the cursor of the next page (null on the last page).</summary>
public sealed record SearchPage<T>(IReadOnlyList<T> Items, MatchCount Matches, string? NextCursor);

/// <summary>An event that matched a search; <see cref="Summary"/> never contains personal data (envelopes are skipped).</summary>
public sealed record EventHit(
    long Seq,
    Guid EventId,
    StreamKey Stream,
    long StreamSeq,
    DateTime OccurredAt,
    DateTime RecordedAt,
    string Actor,
    string Action,
    string Summary,
    Guid? Supersedes);

/// <summary>An entity (stream) that matched, with its first event and its head.</summary>
public sealed record StreamHit(
    StreamKey Stream,
    DateTime FirstOccurredAt,
    DateTime FirstRecordedAt,
    long HeadSeq,
    long HeadStreamSeq,
    DateTime HeadRecordedAt,
    string HeadAction);

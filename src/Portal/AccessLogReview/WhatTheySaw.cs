using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Ledger;
using AuditPortal.Portal.Redaction;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>How a re-run of a logged query compares with what the log says it returned.</summary>
public enum ReplayVerdict
{
    /// <summary>The re-run returned exactly the logged records (same digest, same count).</summary>
    Match,

    /// <summary>The digest or the count differs: the log, or the ledger, is not what it was. A finding.</summary>
    Mismatch,

    /// <summary>The query was not answered (failed, refused, or no outcome): nothing was seen.</summary>
    NotAnswered,

    /// <summary>The entry has no ledger size (written before it was recorded, or the snapshot could not be read).</summary>
    NoLedgerSize,

    /// <summary>This kind of query has no bounded re-run yet (docs/access-log-review.md lists the kinds that do).</summary>
    NotReplayable,

    /// <summary>The seq is not a query request of the access log.</summary>
    NoSuchEntry,
}

/// <summary>
/// The answer to "what did they see?": the verdict, both digests and counts, and the re-run's result — masked by
/// the gateway like any admin read (admins never unmask).
/// </summary>
public sealed record WhatTheySawView(
    ReplayVerdict Verdict,
    AccessLogItem? Entry,
    string? LoggedDigest,
    long? LoggedRows,
    string? ReplayedDigest,
    long? ReplayedRows,
    StreamEventsView? Result,
    string Explanation) : IRedactable
{
    public bool IsFinding => Verdict == ReplayVerdict.Mismatch;

    public IEnumerable<JsonObject> Payloads => Result?.Payloads ?? [];
}

/// <summary>
/// Re-runs logged queries bounded by their recorded ledger size. One entry per kind that can be bounded; each uses
/// the kind's own query code with the bound (one SQL per read), so the re-run is the query, not a copy of it.
/// </summary>
public static class ReplayableQueries
{
    /// <summary>The kinds with a bounded re-run.</summary>
    public static IReadOnlyCollection<string> Kinds { get; } = [QueryKinds.StreamRead.Name];

    /// <summary>Re-runs <paramref name="entry"/> on <paramref name="session"/>; the view and the ids the re-run returned.</summary>
    public static async Task<QueryAnswer<WhatTheySawView>> ReplayAsync(AccessLogItem? entry, ReplicaSession session, CancellationToken ct)
    {
        if (entry is null)
            return Verdict(ReplayVerdict.NoSuchEntry, null, "There is no query request at this position of the access log.");
        if (entry.Completion is not { Outcome: AccessLogOutcome.Completed, RecordDigest: { } logged } completion)
            return Verdict(ReplayVerdict.NotAnswered, entry,
                entry.Completion is null ? "No outcome is recorded for this query: no answer was given." : $"The query {AccessLogEvents.NameOf(entry.Completion.Outcome)}: no answer was given.");
        if (entry.LedgerSize is not { } size)
            return Verdict(ReplayVerdict.NoLedgerSize, entry, entry.RecordsLedgerSize
                ? "The entry records no ledger size (the snapshot could not be read), so the query cannot be re-run as it stood."
                : "This entry was written before the ledger size was recorded (docs/access-log.md), so the query cannot be re-run as it stood.");

        StreamEventsView result;
        IReadOnlyList<string> ids;
        if (entry.Kind == QueryKinds.StreamRead.Name
            && (string?)entry.Parameters["stream_type"] is { } type && (string?)entry.Parameters["stream_id"] is { } id
            && entry.Parameters["limit"] is JsonValue limitValue && limitValue.TryGetValue<int>(out var limit))
        {
            var answer = await StreamEventsQuery.For(type, id, limit, size)(session, ct);
            (result, ids) = (answer.Value, answer.RecordIds);
        }
        else
        {
            return Verdict(ReplayVerdict.NotReplayable, entry, $"Queries of kind '{entry.Kind}' cannot be re-run bounded by the ledger size yet.");
        }

        var replayed = RecordDigest.Compute(ids);
        var match = string.Equals(replayed, logged, StringComparison.Ordinal) && ids.Count == completion.RowCount;
        var view = new WhatTheySawView(match ? ReplayVerdict.Match : ReplayVerdict.Mismatch, entry, logged, completion.RowCount, replayed, ids.Count, result,
            match
                ? $"Re-run on the ledger as it stood at size {size}: the same {ids.Count} records as logged."
                : $"Re-run on the ledger as it stood at size {size}: {ids.Count} records with digest {replayed}, but the log says {completion.RowCount} records with digest {logged}. Either the entry or the ledger was changed.");
        return QueryAnswer.Of(view, ids);
    }

    private static QueryAnswer<WhatTheySawView> Verdict(ReplayVerdict verdict, AccessLogItem? entry, string explanation) =>
        QueryAnswer.Of(new WhatTheySawView(verdict, entry, entry?.Completion?.RecordDigest, entry?.Completion?.RowCount, null, null, null, explanation), []);
}

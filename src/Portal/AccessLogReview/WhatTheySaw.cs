using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Timeline;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Ledger;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Timeline;
using AuditPortal.Verification.Ledger;

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
    IRedactable? Result,
    string Explanation) : IRedactable
{
    public bool IsFinding => Verdict == ReplayVerdict.Mismatch;

    public IEnumerable<JsonObject> Payloads => Result?.Payloads ?? [];
}

/// <summary>
/// Re-runs logged queries bounded by their recorded ledger size. One entry per kind that can be bounded; each uses
/// the kind's own query function (<see cref="StreamEventsQuery"/>, <see cref="TimelineQueries"/>) with the bound, so the
/// re-run is the query and its record ids are computed by the same code, not a copy of it.
/// </summary>
public static class ReplayableQueries
{
    /// <summary>The kinds with a bounded re-run.</summary>
    public static IReadOnlyCollection<string> Kinds { get; } =
        [QueryKinds.StreamRead.Name, QueryKinds.EntitySearch.Name, QueryKinds.AsOfRead.Name, QueryKinds.AsOfDiff.Name];

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

        if (BoundedQuery(entry.Kind, entry.Parameters, size) is not { } query)
            return Verdict(ReplayVerdict.NotReplayable, entry, Kinds.Contains(entry.Kind)
                ? $"The entry's parameters are not those of a '{entry.Kind}' query the portal makes, so it cannot be re-run."
                : $"Queries of kind '{entry.Kind}' cannot be re-run bounded by the ledger size yet.");
        IRedactable result;
        IReadOnlyList<string> ids;
        try
        {
            (result, ids) = await query(session, ct);
        }
        catch (QueryValidationException ex)
        {
            return Verdict(ReplayVerdict.NotReplayable, entry, $"The entry's parameters are not those of a query the portal makes ({ex.Message}), so it cannot be re-run.");
        }

        var replayed = RecordDigest.Compute(ids);
        var match = string.Equals(replayed, logged, StringComparison.Ordinal) && ids.Count == completion.RowCount;
        var view = new WhatTheySawView(match ? ReplayVerdict.Match : ReplayVerdict.Mismatch, entry, logged, completion.RowCount, replayed, ids.Count, result,
            match
                ? $"Re-run on the ledger as it stood at size {size}: the same {ids.Count} records as logged."
                : $"Re-run on the ledger as it stood at size {size}: {ids.Count} records with digest {replayed}, but the log says {completion.RowCount} records with digest {logged}. Either the entry or the ledger was changed.");
        return QueryAnswer.Of(view, ids);
    }

    /// <summary>
    /// The logged query rebuilt from its canonical parameters (as the pages write them) and bounded by <c>seq ≤ size</c>;
    /// null when the kind has no bounded re-run or the parameters are not ones the portal writes.
    /// </summary>
    private static Func<ReplicaSession, CancellationToken, Task<(IRedactable Result, IReadOnlyList<string> Ids)>>? BoundedQuery(
        string kind, JsonObject p, long size)
    {
        try
        {
            // T and K are always in the parameters, so the replay's clock is never read.
            var replay = new AsOfReplay(ProjectionCatalog.Demo, TimeProvider.System) { LedgerSize = size };
            if (kind == QueryKinds.StreamRead.Name
                && Text(p, "stream_type") is { } type && Text(p, "stream_id") is { } id
                && p["limit"] is JsonValue limitValue && limitValue.TryGetValue<int>(out var limit))
                return Erase(StreamEventsQuery.For(type, id, limit, size));
            if (kind == QueryKinds.AsOfRead.Name && Stream(p) is { } stream && Point(p, "t", "k") is { } point)
                return Erase(TimelineQueries.AsOfQuery(replay, stream, point));
            if (kind == QueryKinds.AsOfDiff.Name && Stream(p) is { } diffStream && Point(p, "t1", "k1") is { } before && Point(p, "t2", "k2") is { } after)
                return Erase(TimelineQueries.DiffQuery(replay, diffStream, before, after));
            if (kind == QueryKinds.EntitySearch.Name && Search(p) is { } criteria)
                return Erase(TimelineQueries.SearchQuery(criteria, size));
            return null;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
        {
            return null; // a parameter of the wrong JSON type or format
        }
    }

    private static Func<ReplicaSession, CancellationToken, Task<(IRedactable, IReadOnlyList<string>)>> Erase<T>(
        Func<ReplicaSession, CancellationToken, Task<QueryAnswer<T>>> query) where T : IRedactable =>
        async (session, ct) =>
        {
            var answer = await query(session, ct);
            return (answer.Value, answer.RecordIds);
        };

    private static string? Text(JsonObject p, string name) => p[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static StreamKey? Stream(JsonObject p) =>
        Text(p, "stream_type") is { } type && Text(p, "stream_id") is { } id ? new StreamKey(type, id) : null;

    private static DateTimeOffset? Instant(JsonObject p, string name) =>
        Text(p, name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : null;

    private static AsOfPoint? Point(JsonObject p, string t, string k) =>
        Instant(p, t) is { } tt && Instant(p, k) is { } kk ? new AsOfPoint(tt, kk) : null;

    /// <summary>The search's criteria from <see cref="SearchCriteria.Canonical"/>: the cursor of the page shown stands for its trail.</summary>
    private static SearchCriteria? Search(JsonObject p)
    {
        if (p["size"] is not JsonValue sizeValue || !sizeValue.TryGetValue<int>(out var pageSize))
            return null;
        var stale = p["stale_outputs"] is JsonValue staleValue && staleValue.TryGetValue<bool>(out var b) && b;
        var criteria = new SearchCriteria(Text(p, "stream_type"), Text(p, "stream_id"), Text(p, "match") == "prefix", Text(p, "actor"), Text(p, "action"),
            Text(p, "axis") == "system" ? TimeAxis.System : TimeAxis.Business, Instant(p, "from"), Instant(p, "to"), Text(p, "text"), pageSize,
            Text(p, "cursor") is { } cursor ? new PageTrail([cursor]) : PageTrail.First, stale,
            Text(p, "dir") switch { "asc" => false, "desc" => true, _ => null }); // entries before sorting have no dir: the mode's order
        // The mode is derived from the criteria; an entry whose mode disagrees was not written by the search page.
        return Text(p, "mode") == (criteria.IsEntitySearch ? "entities" : "events") ? criteria : null;
    }

    private static QueryAnswer<WhatTheySawView> Verdict(ReplayVerdict verdict, AccessLogItem? entry, string explanation) =>
        QueryAnswer.Of(new WhatTheySawView(verdict, entry, entry?.Completion?.RecordDigest, entry?.Completion?.RowCount, null, null, null, explanation), []);
}

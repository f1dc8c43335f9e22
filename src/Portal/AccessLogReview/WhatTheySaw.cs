using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Timeline;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Lineage;
using AuditPortal.Data.Proofs;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Lineage;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Ledger;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Timeline;
using AuditPortal.Portal.Verification;
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

    /// <summary>
    /// The entry lacks what the re-run needs: no ledger size (written before it was recorded, or the snapshot could not be
    /// read), or for the kinds that show a checkpoint no checkpoint size (written before it was recorded).
    /// </summary>
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

    /// <summary>The view as the entry page keeps it once redacted: a timeline's rows without their stored payload text (<see cref="TimelineView.AtRest"/>).</summary>
    public WhatTheySawView AtRest() => Result is TimelineView timeline ? this with { Result = timeline.AtRest() } : this;
}

/// <summary>What a re-run needs besides the replica session: the services the pages' own queries use.</summary>
public sealed record ReplayServices(DashboardQuery Dashboard, ProofQuery Proofs, CheckpointKeySource Keys, TiledProofSource Tiles, TimeProvider Time);

/// <summary>
/// Re-runs logged queries bounded by their recorded ledger size (and, where a checkpoint is part of what was shown, their
/// recorded checkpoint size). One entry per kind; each uses the kind's own query function (<see cref="StreamEventsQuery"/>,
/// <see cref="TimelineQueries"/>, <see cref="LineageQueries"/>, <see cref="DashboardQuery"/>) with the bound, so the re-run is
/// the query and its record ids are computed by the same code, not a copy of it.
/// </summary>
public static class ReplayableQueries
{
    /// <summary>The kinds whose re-run also needs <c>checkpoint_size</c>: what their pages show names the latest checkpoint then.</summary>
    public static IReadOnlyCollection<string> CheckpointKinds { get; } =
        [QueryKinds.TimelineRead.Name, QueryKinds.StreamProof.Name, QueryKinds.DashboardRead.Name, QueryKinds.CheckpointsRead.Name];

    /// <summary>The kinds with a bounded re-run.</summary>
    public static IReadOnlyCollection<string> Kinds { get; } =
    [
        QueryKinds.StreamRead.Name, QueryKinds.EntitySearch.Name, QueryKinds.AsOfRead.Name, QueryKinds.AsOfDiff.Name,
        QueryKinds.LineageRead.Name, QueryKinds.LineageImpact.Name, QueryKinds.LineageStale.Name, QueryKinds.LineageReplay.Name,
        QueryKinds.ProofRead.Name, .. CheckpointKinds,
    ];

    /// <summary>Re-runs <paramref name="entry"/> on <paramref name="session"/>; the view and the ids the re-run returned.</summary>
    public static async Task<QueryAnswer<WhatTheySawView>> ReplayAsync(AccessLogItem? entry, ReplicaSession session, ReplayServices services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (entry is null)
            return Verdict(ReplayVerdict.NoSuchEntry, null, "There is no query request at this position of the access log.");
        if (entry.Completion is not { Outcome: AccessLogOutcome.Completed, RecordDigest: { } logged } completion)
            return Verdict(ReplayVerdict.NotAnswered, entry,
                entry.Completion is null ? "No outcome is recorded for this query: no answer was given." : $"The query {AccessLogEvents.NameOf(entry.Completion.Outcome)}: no answer was given.");
        if (entry.LedgerSize is not { } size)
            return Verdict(ReplayVerdict.NoLedgerSize, entry, entry.RecordsLedgerSize
                ? "The entry records no ledger size (the snapshot could not be read), so the query cannot be re-run as it stood."
                : "This entry was written before the ledger size was recorded (docs/access-log.md), so the query cannot be re-run as it stood.");
        if (CheckpointKinds.Contains(entry.Kind) && entry.CheckpointSize is null)
            return Verdict(ReplayVerdict.NoLedgerSize, entry,
                $"This entry was written before the checkpoint size was recorded (docs/access-log.md, \"checkpoint_size\"); what a '{entry.Kind}' page showed names the latest checkpoint then, so it cannot be re-run as it stood.");
        if (entry.Kind == QueryKinds.TimelineRead.Name && (Text(entry.Parameters, "mark") ?? Text(entry.Parameters, "label")) is not null)
            return Verdict(ReplayVerdict.NotReplayable, entry,
                "This timeline was filtered by the case's annotations (mark, label), which the workspace keeps as they are now, not as they were, so it cannot be re-run as it stood.");

        if (BoundedQuery(entry.Kind, entry.Parameters, size, entry.CheckpointSize ?? 0, services) is not { } query)
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

        var note = "";
        if (entry.Kind == QueryKinds.TimelineRead.Name)
            (ids, note) = WithBadge(ids, completion.RowCount, entry.CheckpointSize!.Value, result);
        var replayed = RecordDigest.Compute(ids);
        var match = string.Equals(replayed, logged, StringComparison.Ordinal) && ids.Count == completion.RowCount;
        var view = new WhatTheySawView(match ? ReplayVerdict.Match : ReplayVerdict.Mismatch, entry, logged, completion.RowCount, replayed, ids.Count, result,
            (match
                ? $"Re-run on the ledger as it stood at size {size}: the same {ids.Count} records as logged."
                : $"Re-run on the ledger as it stood at size {size}: {ids.Count} records with digest {replayed}, but the log says {completion.RowCount} records with digest {logged}. Either the entry or the ledger was changed.")
            + note);
        return QueryAnswer.Of(view, ids);
    }

    /// <summary>
    /// A timeline page's record ids end with its proof badge's checkpoint when the badge was shown in time. Which checkpoint
    /// is known (the page proves against its snapshot's latest, <c>checkpoint_size</c>); whether the badge was in time is not
    /// (it depends on the proof cache and the time budget then), so the logged row count says which: one more than the
    /// re-run's events means the badge was shown. Either way the digest must then match exactly.
    /// </summary>
    private static (IReadOnlyList<string> Ids, string Note) WithBadge(IReadOnlyList<string> events, long? loggedRows, long checkpointSize, IRedactable result)
    {
        if (result is not TimelineView { Page.StreamExists: true } || checkpointSize == 0)
            return (events, " The page had no checkpoint to show in its proof badge.");
        if (loggedRows == events.Count + 1)
            return ([.. events, RecordId.Checkpoint(checkpointSize)],
                $" The proof badge was shown, proved against checkpoint {checkpointSize.ToString(CultureInfo.InvariantCulture)}.");
        return (events, " The proof badge was not shown in time (its record id is absent), so only the events are compared.");
    }

    /// <summary>
    /// The logged query rebuilt from its canonical parameters (as the pages write them) and bounded by <c>seq ≤ size</c>
    /// (and checkpoints of size ≤ <paramref name="checkpointSize"/>); null when the kind has no bounded re-run or the
    /// parameters are not ones the portal writes.
    /// </summary>
    private static Func<ReplicaSession, CancellationToken, Task<(IRedactable Result, IReadOnlyList<string> Ids)>>? BoundedQuery(
        string kind, JsonObject p, long size, long checkpointSize, ReplayServices services)
    {
        try
        {
            // T and K are always in the parameters, so the replay's clock is never read.
            var replay = new AsOfReplay(ProjectionCatalog.Demo, TimeProvider.System) { LedgerSize = size };
            if (kind == QueryKinds.StreamRead.Name
                && Text(p, "stream_type") is { } type && Text(p, "stream_id") is { } id && Int(p, "limit") is { } limit)
                return Erase(StreamEventsQuery.For(type, id, limit, size));
            if (kind == QueryKinds.AsOfRead.Name && Stream(p) is { } stream && Point(p, "t", "k") is { } point)
                return Erase(TimelineQueries.AsOfQuery(replay, stream, point));
            if (kind == QueryKinds.AsOfDiff.Name && Stream(p) is { } diffStream && Point(p, "t1", "k1") is { } before && Point(p, "t2", "k2") is { } after)
                return Erase(TimelineQueries.DiffQuery(replay, diffStream, before, after));
            if (kind == QueryKinds.EntitySearch.Name && Search(p) is { } criteria)
                return Erase(TimelineQueries.SearchQuery(criteria, size));
            if (kind == QueryKinds.TimelineRead.Name && Timeline(p) is { } timeline)
                return Erase(TimelineQueries.PageQuery(timeline, annotated: null, badge: null, size));
            if (kind == QueryKinds.StreamProof.Name && Stream(p) is { } proofStream)
                return Erase(TimelineQueries.ProofQuery(services.Keys.Key, services.Time, services.Tiles, proofStream, size, checkpointSize));
            if (kind == QueryKinds.DashboardRead.Name && p.Count == 0)
                return async (session, ct) =>
                {
                    var answer = await services.Dashboard.ReadAsync(session, size, checkpointSize, ct);
                    return (answer.Value, answer.RecordIds);
                };
            if (kind == QueryKinds.CheckpointsRead.Name && p.Count == 0)
                return Erase(CheckpointsQuery.AsItStood(size, checkpointSize, services.Keys.Key));
            // A proof at a size the ledger did not have then was never answered as it stood.
            if (kind == QueryKinds.ProofRead.Name && Text(p, "proof") == "inclusion" && Long(p, "seq") is { } leaf && Long(p, "size") is { } treeSize
                && treeSize <= size)
                return Erase(services.Proofs.InclusionQuery(leaf, treeSize));
            if (kind == QueryKinds.ProofRead.Name && Text(p, "proof") == "consistency" && Long(p, "size1") is { } size1 && Long(p, "size2") is { } size2
                && size2 <= size)
                return Erase(services.Proofs.ConsistencyQuery(size1, size2));
            if (kind == QueryKinds.LineageRead.Name && EventId(p, "event_id") is { } output && p["expand"] is JsonArray expand)
                return Erase(LineageQueries.BackwardQuery(output, expand.Select(e => e is JsonValue v && v.TryGetValue<string>(out var x) ? Guid.ParseExact(x, "D")
                    : throw new FormatException("expand: not an event id")).ToList(), size));
            if (kind == QueryKinds.LineageImpact.Name && EventId(p, "event_id") is { } input && Long(p, "after") is { } afterSeq && Int(p, "page_size") is { } impactSize)
                return Erase(LineageQueries.ImpactQuery(input, afterSeq == 0 ? [] : [afterSeq], impactSize, size));
            if (kind == QueryKinds.LineageStale.Name && Int(p, "page_size") is { } staleSize && p.ContainsKey("after"))
                return Text(p, "after") is { } cursorText
                    ? StaleCursor.Parse("after", cursorText, out _) is { } cursor ? Erase(LineageQueries.StaleQuery([cursor], staleSize, size)) : null
                    : p["after"] is null ? Erase(LineageQueries.StaleQuery([], staleSize, size)) : null;
            if (kind == QueryKinds.LineageReplay.Name && EventId(p, "event_id") is { } derived)
                return Erase(LineageQueries.ReplayQuery(derived, size));
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

    private static int? Int(JsonObject p, string name) => p[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    private static long? Long(JsonObject p, string name) => p[name] is JsonValue v && v.TryGetValue<long>(out var l) ? l : null;

    private static Guid? EventId(JsonObject p, string name) => Text(p, name) is { } text ? Guid.ParseExact(text, "D") : null;

    private static StreamKey? Stream(JsonObject p) =>
        Text(p, "stream_type") is { } type && Text(p, "stream_id") is { } id ? new StreamKey(type, id) : null;

    private static DateTimeOffset? Instant(JsonObject p, string name) =>
        Text(p, name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : null;

    private static AsOfPoint? Point(JsonObject p, string t, string k) =>
        Instant(p, t) is { } tt && Instant(p, k) is { } kk ? new AsOfPoint(tt, kk) : null;

    /// <summary>The timeline's criteria from <see cref="TimelineCriteria.Canonical"/>: the cursor of the page shown stands for its trail.</summary>
    private static TimelineCriteria? Timeline(JsonObject p)
    {
        if (Stream(p) is not { } stream || Int(p, "size") is not { } pageSize)
            return null;
        TimelineOrder? order = Text(p, "order") switch
        {
            "seq" => TimelineOrder.StreamSeq,
            "business" => TimelineOrder.OccurredAt,
            "system" => TimelineOrder.RecordedAt,
            _ => null,
        };
        bool? descending = Text(p, "dir") switch { "asc" => false, "desc" => true, _ => null };
        if (order is null || descending is null)
            return null;
        return new TimelineCriteria(stream, Text(p, "action"), Text(p, "actor"), Text(p, "axis") == "system" ? TimeAxis.System : TimeAxis.Business,
            Instant(p, "from"), Instant(p, "to"), order.Value, descending.Value, pageSize,
            Text(p, "cursor") is { } cursor ? new PageTrail([cursor]) : PageTrail.First);
    }

    /// <summary>The search's criteria from <see cref="SearchCriteria.Canonical"/>: the cursor of the page shown stands for its trail.</summary>
    private static SearchCriteria? Search(JsonObject p)
    {
        if (Int(p, "size") is not { } pageSize)
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

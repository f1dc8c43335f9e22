using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.Lineage;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Timeline;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Portal.Timeline;

/// <summary>
/// The timeline pages' queries, each one gateway call (one access-log request + one outcome) running
/// the data layer's <see cref="EntitySearch"/>, <see cref="TimelineQuery"/>, <see cref="AsOfReplay"/>,
/// <see cref="StateDiff"/> and <see cref="StreamProofQuery"/> on the gateway's replica session.
/// Callers validate parameters first (<see cref="Validate"/>), so a bad parameter is a 400 before
/// anything is logged or queried.
/// </summary>
public sealed class TimelineQueries(QueryGateway gateway, StreamProofCache proofs, TiledProofSource tiles, CheckpointKeySource keys, TimeProvider time,
    IConfiguration configuration, AuditPortal.Portal.Workspace.ActiveCase activeCase, AuditPortal.Portal.Workspace.AnnotationService annotations,
    AsOfStateCache states)
{
    /// <summary>
    /// How long a timeline page may spend building the proof badge (<c>Portal:Timeline:ProofBudget</c>, default 2 s).
    /// With the subtree-hash cache (<see cref="TiledProofSource"/>) the inclusion proof reads ≤ 2 tiles of leaf hashes,
    /// but the first proof after a start (or after a cache mismatch) builds the cache by streaming every leaf hash
    /// up to the checkpoint, seconds on a large ledger; past the budget the page shows "not verified yet" with a link
    /// to the proof page, and the computation finishes in the background and fills both caches.
    /// </summary>
    private TimeSpan ProofBudget => configuration.GetValue("Portal:Timeline:ProofBudget", TimeSpan.FromSeconds(2));

    /// <summary>Runs the data layer's own validation; its message (naming the parameter) goes to <paramref name="q"/>.</summary>
    public static void Validate(StrictQuery q, Action validate)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(validate);
        try
        {
            validate();
        }
        catch (QueryValidationException ex)
        {
            q.Add(ex.Reason);
        }
    }

    public Task<GatewayResult<SearchView>> SearchAsync(ClaimsPrincipal user, SearchCriteria criteria, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.EntitySearch, user, criteria.Canonical, purpose: null, SearchQuery(criteria), ct);

    /// <summary>
    /// The search and its record ids, for the page and for the bounded re-run ("what did they see"): one definition of
    /// what a search returned. <paramref name="ledgerSize"/>: only events with <c>seq</c> ≤ it; null: the ledger as it is.
    /// </summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<SearchView>>> SearchQuery(SearchCriteria criteria, long? ledgerSize = null) =>
        async (session, token) =>
        {
            var search = new EntitySearch { LedgerSize = ledgerSize };
            if (criteria.IsEntitySearch)
            {
                var streams = await search.FindStreamsAsync(session.Connection, session.Transaction, criteria.ToStreamRequest(), token);
                return QueryAnswer.Of(new SearchView(criteria, streams, null),
                    streams.Items.Select(s => RecordId.Stream(s.Stream)).ToList());
            }
            var events = await search.FindEventsAsync(session.Connection, session.Transaction, criteria.ToEventRequest(), token);
            return QueryAnswer.Of(new SearchView(criteria, null, events), events.Items.Select(e => RecordId.Event(e.EventId)).ToList());
        };

    /// <summary>
    /// One timeline page. With an annotation filter (<see cref="TimelineCriteria.IsAnnotationFilter"/>) it needs an active
    /// case (400 otherwise, before anything is logged): after the gateway has checked the caller's membership, the case's
    /// matching event ids are read from the workspace and the page reads those events from the replica, keyset-paged
    /// like any filter (the count is theirs).
    /// </summary>
    public Task<GatewayResult<TimelineView>> TimelineAsync(ClaimsPrincipal user, TimelineCriteria criteria, CancellationToken ct)
    {
        if (criteria.IsAnnotationFilter && activeCase.Id is null)
            return Task.FromResult(GatewayResult<TimelineView>.Fail(GatewayStatus.BadRequest, AnnotationFilterNeedsCase));
        return gateway.RunAsync(QueryKinds.TimelineRead, user, criteria.Canonical, purpose: null, PageQuery(criteria,
            criteria.IsAnnotationFilter ? token => annotations.EventIdsAsync(user, activeCase.Id!.Value, criteria.Stream, criteria.Mark, criteria.Label, token) : null,
            (session, head, token) => ProofAsync(session, criteria.Stream, head, token)), ct);
    }

    /// <summary>
    /// One timeline page and its record ids, for the page and for the bounded re-run ("what did they see"): one definition
    /// of what a timeline page returned. The ids are the page's events, the related events (corrections either way) and the
    /// corrections that make a row stale, then the proof badge's checkpoint (<see cref="RecordId.Checkpoint"/>) when the badge
    /// was shown with one. <paramref name="ledgerSize"/>: only events with <c>seq</c> ≤ it; null: the ledger as it is.
    /// </summary>
    /// <param name="annotated">With an annotation filter, the active case's matching event ids (read after the gateway's checks); null without one.</param>
    /// <param name="badge">The proof badge at the stream's head (null: none in time); null: no badge is built (the re-run, which
    /// decides the badge's record id from the logged checkpoint size instead: docs/access-log-review.md).</param>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<TimelineView>>> PageQuery(TimelineCriteria criteria,
        Func<CancellationToken, Task<IReadOnlyList<Guid>>>? annotated, Func<ReplicaSession, long, CancellationToken, Task<ProofBadge?>>? badge,
        long? ledgerSize = null) =>
        async (session, token) =>
        {
            var request = criteria.ToRequest(annotated is null ? null : await annotated(token));
            var query = new TimelineQuery { LedgerSize = ledgerSize };
            var page = await query.ReadAsync(session.Connection, session.Transaction, request, token);
            var rows = page.Items.Select(i => new TimelineRow(i, ParseObject(i.PayloadJson))).ToList();
            // The rows this page's rows correct or are corrected by, by the timeline's own item query (lineage included).
            var related = (await query.ReadRelatedAsync(session.Connection, session.Transaction, page.Items, request.LateArrivalThreshold, token))
                .ToDictionary(i => i.EventId, i => new TimelineRow(i, ParseObject(i.PayloadJson)));
            ProofBadge? proof = null;
            if (page.StreamExists && badge is not null)
                proof = await badge(session, page.HeadStreamSeq, token);
            // Derived rows whose inputs were corrected after them (docs/lineage.md): one statement for the page.
            var stale = await new LineageQuery { LedgerSize = ledgerSize }.StaleAmongAsync(session.Connection, session.Transaction,
                page.Items.Where(i => i.Lineage is not null).Select(i => i.Seq).ToList(), token);
            var ids = rows.Select(r => RecordId.Event(r.Item.EventId)).Concat(related.Keys.Select(RecordId.Event))
                .Concat(stale.Values.SelectMany(c => c).Select(c => RecordId.Event(c.EventId))).Distinct(StringComparer.Ordinal).ToList();
            if (proof?.Proof.Checkpoint is { } checkpoint)
                ids.Add(RecordId.Checkpoint(checkpoint.Checkpoint.Size));
            return QueryAnswer.Of(new TimelineView(criteria, page, rows, related, proof, stale), ids);
        };

    public const string AnnotationFilterNeedsCase = "mark, label: annotations belong to a case; choose one at the top to filter by them";

    public Task<GatewayResult<AsOfView>> AsOfAsync(ClaimsPrincipal user, StreamKey stream, AsOfPoint point, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.AsOfRead, user, new
        {
            stream_type = stream.Type,
            stream_id = stream.Id,
            t = PortalUrls.Instant(point.T),
            k = PortalUrls.Instant(point.K),
        }, purpose: null, AsOfQuery(Replay(), stream, point), ct);

    /// <summary>The as-of state and its record ids (the applied events), for the page and for the bounded re-run.</summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<AsOfView>>> AsOfQuery(AsOfReplay replay, StreamKey stream, AsOfPoint point) =>
        async (session, token) =>
        {
            ArgumentNullException.ThrowIfNull(replay);
            var state = await replay.ReplayAsync(session.Connection, session.Transaction, stream, point.T, point.K, token);
            return QueryAnswer.Of(AsOfView.Of(point, state), state.Applied.Select(a => RecordId.Event(a.EventId)).ToList());
        };

    public Task<GatewayResult<DiffView>> DiffAsync(ClaimsPrincipal user, StreamKey stream, AsOfPoint before, AsOfPoint after, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.AsOfDiff, user, new
        {
            stream_type = stream.Type,
            stream_id = stream.Id,
            t1 = PortalUrls.Instant(before.T),
            k1 = PortalUrls.Instant(before.K),
            t2 = PortalUrls.Instant(after.T),
            k2 = PortalUrls.Instant(after.K),
        }, purpose: null, DiffQuery(Replay(), stream, before, after), ct);

    /// <summary>The comparison and its record ids (the events applied at either point, once), for the page and for the bounded re-run.</summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<DiffView>>> DiffQuery(AsOfReplay replay, StreamKey stream, AsOfPoint before, AsOfPoint after) =>
        async (session, token) =>
        {
            ArgumentNullException.ThrowIfNull(replay);
            var (a, b, changes) = await replay.DiffAsync(session.Connection, session.Transaction, stream, (before.T, before.K), (after.T, after.K), token);
            var rows = changes.Select(DiffRow.From).ToList();
            var view = new DiffView(AsOfView.Of(before, a), AsOfView.Of(after, b), rows);
            var ids = a.Applied.Concat(b.Applied).Select(e => RecordId.Event(e.EventId)).Distinct(StringComparer.Ordinal).ToList();
            return QueryAnswer.Of(view, ids);
        };

    /// <summary>The proof details: always computed afresh (the badge may come from the cache).</summary>
    public Task<GatewayResult<ProofView>> ProofAsync(ClaimsPrincipal user, StreamKey stream, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.StreamProof, user, new { stream_type = stream.Type, stream_id = stream.Id }, purpose: null,
            async (session, token) =>
            {
                var answer = await ProofQuery(keys.Key, time, tiles, stream, session.LedgerSize, session.CheckpointSize)(session, token);
                proofs.Put(answer.Value.Proof, time.GetUtcNow());
                return answer;
            }, ct);

    /// <summary>
    /// The proof details and their record ids (the stream, and the checkpoint it is proved against), for the page and for
    /// the bounded re-run: the stream's events up to <paramref name="ledgerSize"/> verified, against the latest checkpoint of
    /// size ≤ <paramref name="checkpointSize"/> (the page passes its snapshot's; the proof reads with connections of its own).
    /// </summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<ProofView>>> ProofQuery(CheckpointPublicKey? key, TimeProvider time,
        TiledProofSource? tiles, StreamKey stream, long ledgerSize, long checkpointSize) =>
        async (session, token) =>
        {
            var proof = await new StreamProofQuery(session.DataSource, key, time, tiles) { LedgerSize = ledgerSize, CheckpointSize = checkpointSize }
                .GetAsync(stream, token);
            List<string> ids = [RecordId.Stream(stream)];
            if (proof.Checkpoint is { } checkpoint)
                ids.Add(RecordId.Checkpoint(checkpoint.Checkpoint.Size));
            return QueryAnswer.Of(new ProofView(proof), ids);
        };

    /// <summary>The page's replays go through the shared cache of replayed states (<see cref="AsOfStateCache"/>).</summary>
    private AsOfReplay Replay() => new(ProjectionCatalog.Demo, time) { Cache = states };

    /// <summary>
    /// The badge: from the cache when neither the stream's head nor the latest checkpoint moved since it
    /// was computed (and it is younger than <see cref="StreamProofCache.TimeToLive"/>), otherwise afresh.
    /// </summary>
    private async Task<ProofBadge?> ProofAsync(ReplicaSession session, StreamKey stream, long headStreamSeq, CancellationToken ct)
    {
        // The snapshot's latest checkpoint, which the request entry records (checkpoint_size): the badge is proved against
        // exactly that one, so a re-run knows which checkpoint a badge shown in time names.
        var checkpointSize = session.CheckpointSize;
        var now = time.GetUtcNow();
        if (proofs.TryGet(stream, headStreamSeq, checkpointSize, now) is { } cached)
            return cached;
        // One computation per (stream, head, checkpoint), shared by concurrent pages and not cancelled by
        // any one request: a page waits at most the budget; the computation finishes and fills the cache.
        var dataSource = session.DataSource;
        var computing = proofs.GetOrStart(stream, headStreamSeq, checkpointSize, now,
            () => new StreamProofQuery(dataSource, keys.Key, time, tiles) { CheckpointSize = checkpointSize }.GetAsync(stream, CancellationToken.None));
        var finished = await Task.WhenAny(computing, Task.Delay(ProofBudget, time, ct));
        ct.ThrowIfCancellationRequested();
        return finished == computing ? await computing : null; // over budget: the page links to the proof details

    }

    private static JsonObject ParseObject(string json) => JsonNode.Parse(json) as JsonObject ?? [];

}

/// <summary>
/// Per-entity proofs by (stream, head stream_seq, latest checkpoint size). Verifying a stream re-reads
/// all of its events and, until the subtree-hash cache is built, the inclusion proof streams every leaf
/// hash up to the checkpoint (about 400 MB at 10M events); while neither the stream nor the checkpoint moved, the answer cannot change unless stored
/// rows were altered, so entries live <see cref="TimeToLive"/> at most and the details page always
/// recomputes. Bounded: cleared when it grows past <see cref="Capacity"/>.
/// </summary>
public sealed class StreamProofCache
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<(string Type, string Id, long Head, long Checkpoint), ProofBadge> entries = new();
    private readonly ConcurrentDictionary<(string Type, string Id, long Head, long Checkpoint), Lazy<Task<ProofBadge>>> running = new();

    /// <summary>The proof being built for this key, or a new computation (at most one per key at a time).</summary>
    public Task<ProofBadge> GetOrStart(StreamKey stream, long headStreamSeq, long checkpointSize, DateTimeOffset now, Func<Task<StreamProof>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var key = (stream.Type, stream.Id, headStreamSeq, checkpointSize);
        var lazy = running.GetOrAdd(key, k => new Lazy<Task<ProofBadge>>(async () =>
        {
            try
            {
                var badge = Put(await compute().ConfigureAwait(false), now);
                entries[key] = badge; // also under the page's head, should the proof have seen a newer one
                return badge;
            }
            finally
            {
                running.TryRemove(key, out _);
            }
        }));
        return lazy.Value;
    }

    public ProofBadge? TryGet(StreamKey stream, long headStreamSeq, long checkpointSize, DateTimeOffset now) =>
        entries.TryGetValue((stream.Type, stream.Id, headStreamSeq, checkpointSize), out var badge) && now - badge.ComputedAt < TimeToLive
            ? badge with { FromCache = true }
            : null;

    public ProofBadge Put(StreamProof proof, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (entries.Count >= Capacity)
            entries.Clear();
        var badge = new ProofBadge(proof, now, FromCache: false);
        entries[(proof.Stream.Type, proof.Stream.Id, proof.HeadStreamSeq, proof.Checkpoint?.Checkpoint.Size ?? 0)] = badge;
        return badge;
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Reading;
using AuditPortal.Data.Replica;
using AuditPortal.Verification.Checkpoints;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.AccessLog;

/// <summary>
/// Reads the access log (the <c>portal</c> database, reader role, standby) in read-only
/// transactions: a user's recent queries, an admin's filtered view and activity summary, one query
/// with its completion, and the head. Paging is keyset paging on the request's <c>seq</c>, newest
/// first, so pages stay stable while new entries are appended: no duplicates, no skips.
/// </summary>
/// <param name="windowBoundsLimit">The largest window whose seq bounds are looked up first (<see cref="WindowBoundsAsync"/>); tests lower it.</param>
public sealed class AccessLogReader(ReplicaConnectionFactory connections, int windowBoundsLimit = AccessLogReader.DefaultWindowBoundsLimit)
{
    /// <summary>The largest page size accepted.</summary>
    public const int MaxPageSize = 500;

    /// <summary>The roles with a partial index each (PortalMigrations/V003): written as a literal, which only these can be.</summary>
    private static readonly HashSet<string> IndexedRoles = new(StringComparer.Ordinal) { "admin", "auditor", "investigator" };

    // A request's completion: found by its idempotency key (<request id>/outcome, unique index) and
    // accepted only if it is an outcome event of the same stream whose lineage names the request.
    // The key probe is a LATERAL … LIMIT 1 so it stays one unique-index lookup per request whatever the
    // statistics say: as a plain join, a freshly created access log (not yet analyzed) got a plan that
    // rescanned the user's whole stream for every request on the page (28 ms at 1,000 events, growing).
    private const string OutcomeJoin = $"""
        LEFT JOIN LATERAL (
          SELECT seq, event_id, payload, occurred_at, recorded_at, lineage_inputs, stream_type, stream_id, action
          FROM ledger.events WHERE idempotency_key = r.idempotency_key || '{AccessLogEvents.CompletionKeySuffix}' LIMIT 1) c
          ON c.lineage_inputs @> ARRAY[r.event_id] AND c.stream_type = r.stream_type AND c.stream_id = r.stream_id
         AND c.action IN ('{AccessLogEvents.CompletedAction}', '{AccessLogEvents.FailedAction}', '{AccessLogEvents.RefusedAction}')
        """;

    private const string RequestsOnly = $"WHERE r.stream_type = '{AccessLogEvents.StreamType}' AND r.action = '{AccessLogEvents.RequestedAction}'";

    private const string FromItems = "FROM ledger.events r\n" + OutcomeJoin + "\n" + RequestsOnly;

    private const string SelectColumns = """
        SELECT r.seq, r.event_id, r.idempotency_key, r.stream_id, r.actor, r.client_address, r.payload, r.occurred_at, r.recorded_at,
               c.seq, c.event_id, c.payload, c.occurred_at, c.recorded_at,
               r.stream_seq, r.hash, r.prev_hash

        """;

    private const string SelectItems = SelectColumns + FromItems;

    /// <summary>The queries of one user, newest first (the dashboard's "my recent queries").</summary>
    /// <param name="beforeSeq">Only entries with a smaller seq: the previous page's <see cref="AccessLogPage.NextBeforeSeq"/>.</param>
    public Task<AccessLogPage> RecentOfUserAsync(string subjectId, int limit, long? beforeSeq = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        return SearchAsync(new AccessLogFilter { SubjectId = subjectId }, limit, beforeSeq, ct);
    }

    /// <summary>The queries of all users matching <paramref name="filter"/>, newest first (admin review).</summary>
    /// <param name="beforeSeq">Only entries with a smaller seq: the previous page's <see cref="AccessLogPage.NextBeforeSeq"/>.</param>
    public async Task<AccessLogPage> SearchAsync(AccessLogFilter filter, int limit, long? beforeSeq = null, CancellationToken ct = default)
    {
        CheckFilter(filter);
        if (limit is < 1 or > MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"the page size must be 1…{MaxPageSize}");

        if (IsOneStatement(filter))
        {
            // One statement sees one snapshot by itself: no transaction, so no BEGIN and no ROLLBACK round trip (the
            // dashboard reads a user's recent queries this way on every view).
            await using var connection = await connections.OpenAsync(ct);
            await using var single = new NpgsqlCommand("", connection);
            return Page(await PageItemsAsync(single, filter, limit + 1, beforeSeq, outcomeFloor: null, window: null, markedSeqs: null, ct), limit);
        }
        await using var session = await connections.BeginReadOnlyAsync(ct);
        var outcomeFloor = await OutcomeFloorAsync(session, filter, limit, beforeSeq, ct);
        var window = await WindowBoundsAsync(session, filter, beforeSeq, ct);
        if (window is { Count: 0 })
            return new AccessLogPage([], null);
        if (filter.Outcome is AccessLogOutcomeFilter.Pending)
            return Page(await PendingItemsAsync(session, filter, limit + 1, beforeSeq, window, ct), limit);
        await using var cmd = session.CreateCommand("");
        return Page(await PageItemsAsync(cmd, filter, limit + 1, beforeSeq, outcomeFloor, window, markedSeqs: null, ct), limit);
    }

    /// <summary>A search that is the page's statement alone: no outcome floor to find first, no time window to bound, no pending markers to walk.</summary>
    private static bool IsOneStatement(AccessLogFilter filter) =>
        !HasOutcomeFloor(filter) && filter.From is null && filter.To is null && filter.Outcome is not AccessLogOutcomeFilter.Pending;

    /// <summary>The first <paramref name="limit"/> of <paramref name="items"/> (read one more), and the cursor of the next page when there was one more.</summary>
    private static AccessLogPage Page(List<AccessLogItem> items, int limit)
    {
        if (items.Count <= limit)
            return new AccessLogPage(items, null);
        items.RemoveAt(limit);
        return new AccessLogPage(items, items[^1].Seq);
    }

    /// <summary>The newest <paramref name="count"/> requests below <paramref name="beforeSeq"/> matching the filter (and, when given, among <paramref name="markedSeqs"/>).</summary>
    /// <param name="cmd">An empty command on the connection (and transaction) to read with; its text and parameters are set here.</param>
    private static async Task<List<AccessLogItem>> PageItemsAsync(NpgsqlCommand cmd, AccessLogFilter filter, int count, long? beforeSeq,
        long? outcomeFloor, (long Count, long Min, long Max)? window, long[]? markedSeqs, CancellationToken ct)
    {
        // Without an outcome condition the page's requests are chosen first and only they are joined to their outcomes:
        // otherwise a plan that sorts (a time window read by the (occurred_at, seq) index) probed the outcome of every
        // request in the window before keeping a page (a one-day window at 10M: 11,509 probes, 224–674 ms; docs/performance.md).
        var requestsFirst = filter.Outcome is null;
        // The page's seqs alone first, so a window's requests are read from the (occurred_at, seq) index without their rows.
        var sql = new StringBuilder(requestsFirst ? SelectColumns + "FROM (SELECT r.seq FROM ledger.events r\n" + RequestsOnly : SelectItems);
        AppendConditions(cmd, sql, filter, beforeSeq, outcomeFloor);
        if (window is { } bounds)
            sql.Append(CultureInfo.InvariantCulture, $"\n  AND r.seq BETWEEN {bounds.Min} AND {bounds.Max}");
        if (markedSeqs is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = markedSeqs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            sql.Append(CultureInfo.InvariantCulture, $"\n  AND r.seq = ANY(${cmd.Parameters.Count})");
        }
        // Within one stream stream_seq grows with seq, so a user's page walks the stream index backwards.
        var order = filter.SubjectId is null || markedSeqs is not null ? "r.seq" : "r.stream_seq";
        sql.Append(CultureInfo.InvariantCulture, $"\nORDER BY {order} DESC LIMIT {count}");
        if (requestsFirst)
            sql.Append(CultureInfo.InvariantCulture, $") page\nJOIN ledger.events r ON r.seq = page.seq\n{OutcomeJoin}\nORDER BY {order} DESC");
        cmd.CommandText = sql.ToString();
        return await ReadItemsAsync(cmd, ct);
    }

    /// <summary>The pending markers read per statement by <see cref="PendingItemsAsync"/>.</summary>
    private const int PendingMarkerChunk = 1_000;

    /// <summary>
    /// <c>outcome=pending</c>: walks the pending markers (<c>portal.access_log_pending</c>, PortalMigrations/V004) newest
    /// first, a chunk at a time, and reads the marked requests with every condition of the filter — <c>c.seq IS NULL</c>
    /// included, so a stale marker of a request that has an outcome is re-checked away, never shown. The work is the
    /// number of pending requests, not the size of the log.
    /// </summary>
    private static async Task<List<AccessLogItem>> PendingItemsAsync(ReadOnlySession session, AccessLogFilter filter, int count, long? beforeSeq,
        (long Count, long Min, long Max)? window, CancellationToken ct)
    {
        var items = new List<AccessLogItem>();
        var below = beforeSeq ?? long.MaxValue;
        if (window is { } bounds)
            below = Math.Min(below, bounds.Max + 1);
        var lowest = window?.Min ?? 0;
        while (items.Count < count)
        {
            var marked = new List<long>(PendingMarkerChunk);
            await using (var markers = session.CreateCommand(FormattableString.Invariant(
                $"SELECT seq FROM portal.access_log_pending WHERE seq < $1 AND seq >= $2 ORDER BY seq DESC LIMIT {PendingMarkerChunk}")))
            {
                markers.Parameters.Add(new NpgsqlParameter { Value = below, NpgsqlDbType = NpgsqlDbType.Bigint });
                markers.Parameters.Add(new NpgsqlParameter { Value = lowest, NpgsqlDbType = NpgsqlDbType.Bigint });
                await using var reader = await markers.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    marked.Add(reader.GetInt64(0));
            }
            if (marked.Count == 0)
                break;
            await using (var page = session.CreateCommand(""))
                items.AddRange(await PageItemsAsync(page, filter, count - items.Count, beforeSeq, outcomeFloor: null, window, [.. marked], ct));
            if (marked.Count < PendingMarkerChunk)
                break;
            below = marked[^1];
        }
        return items;
    }

    /// <summary>
    /// Activity matching <paramref name="filter"/>: per UTC day (requests, failed, refused, pending; the newest
    /// <paramref name="maxDays"/> days that have any) and per kind. The per-user timeline and the per-case view.
    /// </summary>
    public async Task<AccessLogActivity> ActivityAsync(AccessLogFilter filter, int maxDays, CancellationToken ct = default)
    {
        CheckFilter(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDays, 1);
        await using var session = await connections.BeginReadOnlyAsync(ct);
        await using var cmd = session.CreateCommand("");
        var conditions = new StringBuilder(FromItems);
        AppendConditions(cmd, conditions, filter, beforeSeq: null);
        cmd.CommandText = FormattableString.Invariant($"""
            WITH items AS (
              SELECT (r.occurred_at AT TIME ZONE 'UTC')::date AS day, (r.payload::jsonb ->> 'kind') AS kind, c.action AS outcome
              {conditions}),
            days AS (
              SELECT day, count(*) AS requests,
                     count(*) FILTER (WHERE outcome = '{AccessLogEvents.FailedAction}') AS failed,
                     count(*) FILTER (WHERE outcome = '{AccessLogEvents.RefusedAction}') AS refused,
                     count(*) FILTER (WHERE outcome IS NULL) AS pending
              FROM items GROUP BY day ORDER BY day DESC LIMIT {maxDays})
            SELECT 'day', to_char(day, 'YYYY-MM-DD'), requests, failed, refused, pending FROM days
            UNION ALL
            SELECT 'kind', coalesce(kind, ''), count(*), 0, 0, 0 FROM items GROUP BY kind
            """);
        var days = new List<AccessLogDay>();
        var kinds = new List<AccessLogKindCount>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetString(0) == "day")
                days.Add(new AccessLogDay(DateOnly.ParseExact(reader.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
            else
                kinds.Add(new AccessLogKindCount(reader.GetString(1), reader.GetInt64(2)));
        }
        return new AccessLogActivity(
            days.OrderByDescending(d => d.Day).ToList(),
            kinds.OrderByDescending(k => k.Count).ThenBy(k => k.Kind, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// The queries after <paramref name="afterSeq"/> matching <paramref name="filter"/>, oldest first: for readers that
    /// follow the log as it grows (the anomaly monitor), each entry once.
    /// </summary>
    public async Task<IReadOnlyList<AccessLogItem>> ForwardAsync(AccessLogFilter filter, long afterSeq, int limit, CancellationToken ct = default)
    {
        CheckFilter(filter);
        if (limit is < 1 or > MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"the page size must be 1…{MaxPageSize}");
        await using var session = await connections.BeginReadOnlyAsync(ct);
        await using var cmd = session.CreateCommand("");
        var sql = new StringBuilder(SelectItems);
        AppendConditions(cmd, sql, filter, beforeSeq: null);
        cmd.Parameters.Add(new NpgsqlParameter { Value = afterSeq, NpgsqlDbType = NpgsqlDbType.Bigint });
        sql.Append(CultureInfo.InvariantCulture, $"\n  AND r.seq > ${cmd.Parameters.Count}\nORDER BY r.seq LIMIT {limit}");
        cmd.CommandText = sql.ToString();
        return await ReadItemsAsync(cmd, ct);
    }

    /// <summary>
    /// For a filter on a rare outcome (failed, refused) alone or with a user (and then any other conditions): the seq at or
    /// above which the page's entries all lie, found from the outcome events newest first — the log's by the
    /// <c>(action, seq)</c> index, a user's by <c>(stream_id, action, seq)</c> (PortalMigrations/V005) — and their requests;
    /// null when there is no such outcome or the filter has other conditions without a user. Exact: an outcome is
    /// appended after its request (outcome seq &gt; request seq), so every matching request above the floor has its
    /// outcome above it too; and the floor is the lowest of the requests of the newest <paramref name="limit"/> + 1 such
    /// outcomes whose requests match every condition of the filter (all of them if fewer), so a full page lies at or above
    /// it. The conditions that make an outcome the one a request shows are those of <see cref="FromItems"/>. With a user the
    /// walk reads that user's failures or refusals only: never more rows than the user's requests, which the walk without
    /// a floor reads (each with its outcome probed).
    /// </summary>
    private static async Task<long?> OutcomeFloorAsync(ReadOnlySession session, AccessLogFilter filter, int limit, long? beforeSeq, CancellationToken ct)
    {
        if (!HasOutcomeFloor(filter))
            return null;
        var others = filter with { Outcome = null };
        var action = AccessLogEvents.ActionOf(filter.Outcome is AccessLogOutcomeFilter.Failed ? AccessLogOutcome.Failed : AccessLogOutcome.Refused);
        // Two plain index walks per round instead of one join: as one statement the planner joined every such outcome
        // to its request and sorted them (100,000 refusals at 10M: 2.5–4.5 s), whatever the LIMIT.
        var needed = limit + 1;
        var lowest = (long?)null;
        var below = long.MaxValue;
        while (needed > 0)
        {
            var outcomes = new List<(long Seq, Guid Request, string StreamId, string Key)>();
            await using (var newest = session.CreateCommand(FormattableString.Invariant($"""
                SELECT seq, lineage_inputs[1], stream_id, idempotency_key FROM ledger.events
                WHERE action = '{action}' AND stream_type = '{AccessLogEvents.StreamType}' AND seq < {below} AND lineage_inputs IS NOT NULL AND idempotency_key IS NOT NULL{(filter.SubjectId is null ? "" : " AND stream_id = $1")}
                ORDER BY seq DESC LIMIT {OutcomeFloorChunk}
                """)))
            {
                if (filter.SubjectId is { } subject)
                    newest.Parameters.Add(new NpgsqlParameter { Value = subject, NpgsqlDbType = NpgsqlDbType.Text });
                await using var rows = await newest.ExecuteReaderAsync(ct);
                while (await rows.ReadAsync(ct))
                {
                    if (!rows.IsDBNull(1))
                        outcomes.Add((rows.GetInt64(0), rows.GetGuid(1), rows.GetString(2), rows.GetString(3)));
                }
            }
            if (outcomes.Count == 0)
                break;
            // Their requests, with the conditions that make an outcome the one a request shows (FromItems) and every other
            // condition of the filter (AppendConditions: the one place that says what a filter means), below the cursor.
            var requests = new List<long>();
            await using (var joined = session.CreateCommand(""))
            {
                joined.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Request).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                joined.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.StreamId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                joined.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                joined.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Seq).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                var sql = new StringBuilder($"""
                    SELECT r.seq FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[]) AS o(request, stream_id, key, seq)
                    JOIN ledger.events r ON r.event_id = o.request
                    WHERE r.stream_type = '{AccessLogEvents.StreamType}' AND r.stream_id = o.stream_id AND r.action = '{AccessLogEvents.RequestedAction}'
                      AND o.key = r.idempotency_key || '{AccessLogEvents.CompletionKeySuffix}'
                    """);
                AppendConditions(joined, sql, others, beforeSeq);
                sql.Append("\nORDER BY o.seq DESC");
                joined.CommandText = sql.ToString();
                await using var rows = await joined.ExecuteReaderAsync(ct);
                while (await rows.ReadAsync(ct))
                    requests.Add(rows.GetInt64(0));
            }
            // Newest outcomes first: the first `needed` of them count (as the one-statement LIMIT did).
            foreach (var seq in requests.Take(needed))
                lowest = lowest is { } l ? Math.Min(l, seq) : seq;
            needed -= Math.Min(needed, requests.Count);
            if (outcomes.Count < OutcomeFloorChunk)
                break;
            below = outcomes[^1].Seq;
        }
        return lowest;
    }

    /// <summary>
    /// Whether <see cref="OutcomeFloorAsync"/> starts the page from the outcome events: a rare outcome (failed, refused)
    /// alone, or with a user (whose failures or refusals are never more than the user's requests). With other filters but
    /// no user the requests those select are walked and each one's outcome probed.
    /// </summary>
    private static bool HasOutcomeFloor(AccessLogFilter filter) =>
        filter.Outcome is AccessLogOutcomeFilter.Failed or AccessLogOutcomeFilter.Refused
        && (filter.SubjectId is not null || (filter with { Outcome = null }).IsEmpty);

    /// <summary>Outcome events read per round by <see cref="OutcomeFloorAsync"/>.</summary>
    private const int OutcomeFloorChunk = 200;

    /// <summary>A window holding at most this many requests has its seq bounds looked up first.</summary>
    public const int DefaultWindowBoundsLimit = 20_000;

    /// <summary>
    /// For a time window (<c>from</c> and/or <c>to</c>) holding at most <c>windowBoundsLimit</c> requests below
    /// <paramref name="beforeSeq"/>: how many, and the lowest and highest seq among them, read by an index-only range scan
    /// of <c>(occurred_at, seq)</c>; null for a larger window (or none). Exact: these are the window's requests
    /// themselves, so <c>seq BETWEEN min AND max</c> excludes none of them; the page's walk newest first then starts at
    /// the window's newest request instead of the log's head, however far back the window is. Request time and seq
    /// need not grow together (docs/access-log-review.md), which is why the bounds are read, never derived from times.
    /// A larger window is recent or wide enough that the walk from the head meets it soon (see docs/performance.md).
    /// </summary>
    private async Task<(long Count, long Min, long Max)?> WindowBoundsAsync(ReadOnlySession session, AccessLogFilter filter, long? beforeSeq, CancellationToken ct)
    {
        if (filter.From is null && filter.To is null)
            return null;
        await using var cmd = session.CreateCommand($"""
            SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM (
              SELECT seq FROM ledger.events
              WHERE stream_type = '{AccessLogEvents.StreamType}' AND action = '{AccessLogEvents.RequestedAction}'
                AND seq < $1{(filter.From is null ? "" : " AND occurred_at >= $2")}{(filter.To is null ? "" : filter.From is null ? " AND occurred_at < $2" : " AND occurred_at < $3")}
              LIMIT {windowBoundsLimit + 1}) w
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = beforeSeq ?? long.MaxValue, NpgsqlDbType = NpgsqlDbType.Bigint });
        foreach (var bound in new[] { filter.From, filter.To })
        {
            if (bound is { } value)
                cmd.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var count = reader.GetInt64(0);
        return count > windowBoundsLimit ? null : (count, reader.GetInt64(1), reader.GetInt64(2));
    }

    private static void CheckFilter(AccessLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.From is { Kind: not DateTimeKind.Utc } || filter.To is { Kind: not DateTimeKind.Utc })
            throw new ArgumentException("From and To must be UTC", nameof(filter));
    }

    /// <summary>
    /// Appends the filter's conditions (each value a parameter) after <see cref="FromItems"/>: the one place that
    /// says what a filter means, for the page, the activity summary and the export.
    /// </summary>
    /// <param name="outcomeFloor">From <see cref="OutcomeFloorAsync"/>: the page lies at or above this seq.</param>
    private static void AppendConditions(NpgsqlCommand cmd, StringBuilder sql, AccessLogFilter filter, long? beforeSeq, long? outcomeFloor = null)
    {
        void Where(string condition, object value, NpgsqlDbType type)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            sql.Append(CultureInfo.InvariantCulture, $"\n  AND {condition.Replace("$_", "$" + cmd.Parameters.Count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}");
        }
        if (filter.SubjectId is { } subject)
            Where("r.stream_id = $_", subject, NpgsqlDbType.Text);
        // These expressions are those of the access log's indexes (PortalMigrations/V002): keep them identical.
        if (filter.Kind is { } kind)
            Where("(r.payload::jsonb ->> 'kind') = $_", kind, NpgsqlDbType.Text);
        if (filter.CaseReference is { } caseReference)
            Where("(r.payload::jsonb ->> 'case') = $_", caseReference, NpgsqlDbType.Text);
        if (filter.ClientAddress is { } address)
            Where("r.client_address = $_", address, NpgsqlDbType.Text);
        // The role's partial index (V003) only when no other indexed filter is given: its literal predicate is what lets the
        // planner use it, and combined with a selective filter (a case) it walked the role's index instead (1.4M rows,
        // 20 s at 10M events); as a parameter the role is checked on the way, on the rows the selective index gives.
        if (filter.Role is { } role && IndexedRoles.Contains(role) && filter is { SubjectId: null, Kind: null, CaseReference: null, ClientAddress: null })
            sql.Append(CultureInfo.InvariantCulture, $"\n  AND (r.payload::jsonb -> 'roles') @> '[\"{role}\"]'::jsonb"); // the partial indexes' predicate (V003)
        else if (filter.Role is { } other)
            Where("(r.payload::jsonb -> 'roles') @> jsonb_build_array($_::text)", other, NpgsqlDbType.Text);
        if (filter.From is { } from)
            Where("r.occurred_at >= $_", from, NpgsqlDbType.TimestampTz);
        if (filter.To is { } to)
            Where("r.occurred_at < $_", to, NpgsqlDbType.TimestampTz);
        if (filter.Outcome is AccessLogOutcomeFilter.Pending)
        {
            sql.Append("\n  AND c.seq IS NULL");
        }
        else if (filter.Outcome is { } outcome)
        {
            // c.action decides (the completion the page shows).
            var action = AccessLogEvents.ActionOf(outcome switch
            {
                AccessLogOutcomeFilter.Completed => AccessLogOutcome.Completed,
                AccessLogOutcomeFilter.Failed => AccessLogOutcome.Failed,
                _ => AccessLogOutcome.Refused,
            });
            // With a floor the page starts from the few outcomes above it: the log's, or with a user only that user's (a
            // semi-join with every such outcome of the log was hashed whole: 150,000 failures at 10M, 2.7 s for one user's
            // page). Without a floor the requests the other filters select are walked and each one's outcome probed.
            Where("c.action = $_", action, NpgsqlDbType.Text);
            if (outcomeFloor is { } floor)
            {
                var outcomes = FormattableString.Invariant(
                    $"SELECT o.lineage_inputs[1] FROM ledger.events o WHERE o.action = '{action}' AND o.stream_type = '{AccessLogEvents.StreamType}' AND o.seq > {floor}");
                if (filter.SubjectId is { } user)
                    Where($"r.event_id IN ({outcomes} AND o.stream_id = $_)", user, NpgsqlDbType.Text);
                else
                    sql.Append(CultureInfo.InvariantCulture, $"\n  AND r.event_id IN ({outcomes})");
                sql.Append(CultureInfo.InvariantCulture, $"\n  AND r.seq >= {floor}");
            }
        }
        if (beforeSeq is { } before)
            Where("r.seq < $_", before, NpgsqlDbType.Bigint);
    }

    /// <summary>One logged query with its completion, by the global seq of its <c>query.requested</c> event; null if that seq is not a request.</summary>
    public async Task<AccessLogItem?> GetBySeqAsync(long seq, CancellationToken ct = default)
    {
        await using var session = await connections.BeginReadOnlyAsync(ct);
        await using var cmd = session.CreateCommand(SelectItems + "\n  AND r.seq = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = seq, NpgsqlDbType = NpgsqlDbType.Bigint });
        var items = await ReadItemsAsync(cmd, ct);
        return items.Count == 0 ? null : items[0];
    }

    /// <summary>One logged query with its completion, by the event id of its <c>query.requested</c> event; null if there is none.</summary>
    public async Task<AccessLogItem?> GetAsync(Guid requestEventId, CancellationToken ct = default)
    {
        await using var session = await connections.BeginReadOnlyAsync(ct);
        await using var cmd = session.CreateCommand(SelectItems + "\n  AND r.event_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = requestEventId, NpgsqlDbType = NpgsqlDbType.Uuid });
        var items = await ReadItemsAsync(cmd, ct);
        return items.Count == 0 ? null : items[0];
    }

    /// <summary>The number of events in the access log (its highest seq), without judging its checkpoints.</summary>
    public async Task<long> SizeAsync(CancellationToken ct = default)
    {
        await using var session = await connections.BeginReadOnlyAsync(ct);
        return await LedgerHeadQuery.SeqAsync(session.Connection, session.Transaction, ct: ct);
    }

    /// <summary>The number of events in the access log and its latest checkpoint, read in one snapshot.</summary>
    /// <exception cref="InvalidDataException">The latest checkpoint row's columns disagree with its signed text.</exception>
    public async Task<AccessLogHead> HeadAsync(CancellationToken ct = default)
    {
        await using var session = await connections.BeginReadOnlyAsync(ct);
        var size = await LedgerHeadQuery.SeqAsync(session.Connection, session.Transaction, ct: ct);
        var latest = await CheckpointStore.LatestAsync(session.Connection, session.Transaction, ct);
        if (latest?.Problem is { } problem)
            throw new InvalidDataException($"checkpoint row of size {latest.Size}: {problem}");
        return new AccessLogHead(size, latest);
    }

    private static async Task<List<AccessLogItem>> ReadItemsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var items = new List<AccessLogItem>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            var payload = ParseObject(reader.GetString(6), seq);
            AccessLogResult? completion = null;
            if (!reader.IsDBNull(9))
            {
                var completionSeq = reader.GetInt64(9);
                var result = ParseObject(reader.GetString(11), completionSeq);
                var outcomeName = (string?)result["outcome"];
                var outcome = outcomeName is null ? null : AccessLogEvents.ParseOutcome(outcomeName);
                completion = new AccessLogResult(
                    reader.GetGuid(10),
                    completionSeq,
                    outcome ?? throw new InvalidDataException($"access-log seq {completionSeq}: unknown outcome '{outcomeName}'"),
                    (long?)result["row_count"],
                    (string?)result["record_digest"],
                    (long?)result["duration_ms"] ?? 0,
                    reader.GetFieldValue<DateTime>(12),
                    reader.GetFieldValue<DateTime>(13));
            }
            items.Add(new AccessLogItem
            {
                Seq = seq,
                EventId = reader.GetGuid(1),
                RequestId = reader.IsDBNull(2) ? null : reader.GetString(2),
                SubjectId = reader.GetString(3),
                DisplayName = reader.GetString(4),
                ClientAddress = reader.IsDBNull(5) ? null : reader.GetString(5),
                Kind = (string?)payload["kind"] ?? throw new InvalidDataException($"access-log seq {seq}: the request has no kind"),
                Parameters = payload["parameters"] as JsonObject ?? [],
                Roles = payload["roles"] is JsonArray roles ? roles.Select(r => (string?)r ?? "").ToList() : [],
                Purpose = (string?)payload["purpose"],
                CaseReference = (string?)payload["case"],
                RequestedAt = reader.GetFieldValue<DateTime>(7),
                RecordedAt = reader.GetFieldValue<DateTime>(8),
                Completion = completion,
                StreamSeq = reader.GetInt64(14),
                Hash = reader.GetFieldValue<byte[]>(15),
                PrevHash = reader.GetFieldValue<byte[]>(16),
                LedgerSize = (long?)payload["ledger_size"],
                RecordsLedgerSize = payload.ContainsKey("ledger_size"),
                CheckpointSize = (long?)payload["checkpoint_size"],
            });
        }
        return items;
    }

    private static JsonObject ParseObject(string json, long seq) =>
        JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"access-log seq {seq}: the payload is not a JSON object");
}

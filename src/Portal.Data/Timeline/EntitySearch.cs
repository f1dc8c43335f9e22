using AuditPortal.Data.Requests;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Data.Timeline;

/// <summary>
/// Finds entities and events. Runs on a connection (and read-only transaction) the query gateway
/// hands in; it only issues SELECTs and never opens, commits or closes anything.
/// </summary>
/// <remarks>
/// <para><b>Events</b> (<see cref="FindEventsAsync"/>): newest first (or oldest first), ordered by the
/// global <c>seq</c> (unique, so the order is total) with keyset paging <c>seq &lt; cursor</c>
/// (<c>&gt;</c> oldest first). Newest first, events appended while a user pages get higher seqs, so
/// they never shift later pages: no duplicates, no skips; they appear on a fresh first page (oldest
/// first, on the last). Actor and action use the <c>(actor, seq)</c> and <c>(action, seq)</c> indexes
/// in either direction.</para>
/// <para><b>Streams</b> (<see cref="FindStreamsAsync"/>): one row per entity, found through its
/// first event (<c>stream_seq = 1</c>, exactly one per stream), ordered by (stream_type, stream_id),
/// A to Z or Z to A, with keyset paging on that pair.</para>
/// <para><b>Counts</b> ignore the cursor (they count all pages) and stop at <see cref="CountCap"/>
/// (<see cref="TextCountCap"/> with a text): up to the cap the count is exact, beyond it the result says
/// "more than" the cap. An event search reads its matches once for the count and, under the cap, its page
/// (docs/timeline.md, "One scan for count and page").</para>
/// </remarks>
public sealed class EntitySearch
{
    /// <summary>Counting stops after this many matches (default 10,000).</summary>
    public int CountCap { get; init; } = 10_000;

    /// <summary>
    /// Counting a text search stops after this many matches (default 1,000): each candidate of the trigram index is
    /// rechecked in its row, so a text on one event in 25 would read some 250,000 rows to count to 10,000.
    /// </summary>
    public int TextCountCap { get; init; } = 1_000;

    /// <summary>
    /// Only events with <c>seq</c> ≤ this: the ledger as it stood when an earlier search ran (the ledger is append-only),
    /// for re-running it ("what did they see", docs/access-log-review.md); null: the ledger as it is.
    /// </summary>
    public long? LedgerSize { get; init; }

    // A cursor names its order: one made for the other direction is a validation error, not a wrong page.
    private static string EventCursorKind(bool oldestFirst) => oldestFirst ? "ea1" : "ev1";
    private static string StreamCursorKind(bool descending) => descending ? "sd1" : "st1";

    public async Task<SearchPage<EventHit>> FindEventsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        SearchRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();

        var sql = new SqlBuilder();
        var bound = LedgerSize is { } size ? sql.Add(size) : null;
        if (bound is not null)
            sql.Where($"e.seq <= {bound}");
        if (request.StreamType is { } type)
            sql.Where($"e.stream_type = {sql.Add(type)}");
        if (request.StreamId is { } id)
            sql.Where(request.StreamIdIsPrefix ? $"starts_with(e.stream_id, {sql.Add(id)})" : $"e.stream_id = {sql.Add(id)}");
        if (request.Actor is { } actor)
            sql.Where($"e.actor = {sql.Add(actor)}");
        if (request.Action is { } action)
            sql.Where($"e.action = {sql.Add(action)}");
        if (request.Window is { } window)
            sql.Window("e", window);
        if (request.Text is { } text)
            sql.Where(PayloadTextSearch.Predicate("e", sql.Add(PayloadTextSearch.LikePattern(text))));
        if (request.StaleOutputsOnly)
            sql.Where(Lineage.StaleOutputSql.Predicate("e", bound));

        // The count and, when every match fits under the cap, the page too, from one scan: a text whose trigrams are
        // common (an id such as "acc-000129") costs the GIN index most of the search's time even for one match, so it
        // must not be scanned twice. More matches than the cap: the page is read on its own, newest (oldest) first.
        var filters = sql.WhereClause;
        var after = request.Cursor is { } cursor ? sql.Add(DecodeEventCursor(cursor, request.OldestFirst)) : null;
        var direction = request.OldestFirst ? "ASC" : "DESC";
        var beyond = request.OldestFirst ? ">" : "<";
        var limit = sql.Add(request.PageSize + 1);
        var cap = Math.Max(1, request.Text is null ? CountCap : TextCountCap);
        var countAndPage = $"""
            WITH m AS MATERIALIZED (SELECT e.seq FROM ledger.events e {filters} LIMIT {cap + 1})
            SELECT (SELECT count(*) FROM m),
                   ARRAY(SELECT m.seq FROM m {(after is null ? "" : $"WHERE m.seq {beyond} {after}")} ORDER BY m.seq {direction} LIMIT {limit})
            """;
        long found;
        long[] pageSeqs;
        await using (var command = sql.Command(countAndPage, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await reader.ReadAsync(ct).ConfigureAwait(false);
            found = reader.GetInt64(0);
            pageSeqs = reader.GetFieldValue<long[]>(1);
        }
        var matches = found > cap ? new MatchCount(cap, false) : new MatchCount(found, true);

        const string columns = """
            SELECT e.seq, e.event_id, e.stream_type, e.stream_id, e.stream_seq, e.occurred_at, e.recorded_at, e.actor, e.action,
                   e.payload, e.supersedes
            """;
        var bySeq = new SqlBuilder();
        var where = after is null ? filters : (filters.Length == 0 ? "WHERE " : filters + " AND ") + $"e.seq {beyond} {after}";
        await using var select = matches.IsExact
            ? bySeq.Command($"{columns} FROM ledger.events e WHERE e.seq = ANY({bySeq.Add(pageSeqs)}) ORDER BY e.seq {direction}", connection, transaction)
            : sql.Command($"{columns} FROM ledger.events e {where} ORDER BY e.seq {direction} LIMIT {limit}", connection, transaction);
        var hits = new List<EventHit>();
        await using (var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var hitAction = reader.GetString(8);
                hits.Add(new EventHit(
                    reader.GetInt64(0), reader.GetGuid(1), new StreamKey(reader.GetString(2), reader.GetString(3)), reader.GetInt64(4),
                    reader.GetFieldValue<DateTime>(5), reader.GetFieldValue<DateTime>(6), reader.GetString(7), hitAction,
                    TimelineSummaries.Summarize(hitAction, reader.GetString(9)),
                    reader.IsDBNull(10) ? null : reader.GetGuid(10)));
            }
        }
        string? next = null;
        if (hits.Count > request.PageSize)
        {
            hits.RemoveAt(hits.Count - 1);
            next = PageCursor.Encode(EventCursorKind(request.OldestFirst), PageCursor.Text(hits[^1].Seq));
        }
        return new SearchPage<EventHit>(hits, matches, next);
    }

    public async Task<SearchPage<StreamHit>> FindStreamsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        StreamSearchRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();

        var sql = new SqlBuilder();
        sql.Where("e.stream_seq = 1");
        var bound = LedgerSize is { } size ? sql.Add(size) : null;
        if (bound is not null)
            sql.Where($"e.seq <= {bound}");
        if (request.StreamType is { } type)
            sql.Where($"e.stream_type = {sql.Add(type)}");
        if (request.StreamId is { Length: > 0 } id)
            sql.Where(request.IsPrefix ? $"starts_with(e.stream_id, {sql.Add(id)})" : $"e.stream_id = {sql.Add(id)}");

        var matches = await CountAsync(connection, transaction, "ledger.events e", sql, ct).ConfigureAwait(false);

        if (request.Cursor is { } cursor)
        {
            var (afterType, afterId) = DecodeStreamCursor(cursor, request.Descending);
            sql.Where($"(e.stream_type, e.stream_id) {(request.Descending ? "<" : ">")} ({sql.Add(afterType)}, {sql.Add(afterId)})");
        }
        var select = $"""
            SELECT e.stream_type, e.stream_id, e.occurred_at, e.recorded_at, h.seq, h.stream_seq, h.recorded_at, h.action
            FROM ledger.events e
            CROSS JOIN LATERAL (
              SELECT x.seq, x.stream_seq, x.recorded_at, x.action FROM ledger.events x
              WHERE x.stream_type = e.stream_type AND x.stream_id = e.stream_id{(bound is null ? "" : $" AND x.seq <= {bound}")}
              ORDER BY x.stream_seq DESC LIMIT 1) h
            {sql.WhereClause}
            ORDER BY {(request.Descending ? "e.stream_type DESC, e.stream_id DESC" : "e.stream_type, e.stream_id")} LIMIT {sql.Add(request.PageSize + 1)}
            """;
        await using var command = sql.Command(select, connection, transaction);
        var hits = new List<StreamHit>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                hits.Add(new StreamHit(new StreamKey(reader.GetString(0), reader.GetString(1)),
                    reader.GetFieldValue<DateTime>(2), reader.GetFieldValue<DateTime>(3),
                    reader.GetInt64(4), reader.GetInt64(5), reader.GetFieldValue<DateTime>(6), reader.GetString(7)));
            }
        }
        string? next = null;
        if (hits.Count > request.PageSize)
        {
            hits.RemoveAt(hits.Count - 1);
            next = PageCursor.Encode(StreamCursorKind(request.Descending), hits[^1].Stream.Type, hits[^1].Stream.Id);
        }
        return new SearchPage<StreamHit>(hits, matches, next);
    }

    internal static long DecodeEventCursor(string cursor, bool oldestFirst) => PageCursor.Long(PageCursor.Decode(cursor, EventCursorKind(oldestFirst), 1)[0]);

    internal static (string Type, string Id) DecodeStreamCursor(string cursor, bool descending)
    {
        var parts = PageCursor.Decode(cursor, StreamCursorKind(descending), 2);
        if (LedgerName.Problem("streamType", parts[0]) is not null || LedgerName.Problem("streamId", parts[1]) is not null)
            throw PageCursor.Invalid();
        return (parts[0], parts[1]);
    }

    private async Task<MatchCount> CountAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string from, SqlBuilder sql,
        CancellationToken ct)
    {
        var cap = Math.Max(1, CountCap);
        var count = $"SELECT count(*) FROM (SELECT 1 FROM {from} {sql.WhereClause} LIMIT {cap + 1}) m";
        await using var command = sql.Command(count, connection, transaction);
        var n = (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        return n > cap ? new MatchCount(cap, false) : new MatchCount(n, true);
    }
}

using AuditPortal.Verification.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.Timeline;

/// <summary>One event of a timeline, with its payload as stored (envelopes included: redaction is the gateway's job).</summary>
public sealed record TimelineItem(
    long Seq,
    long StreamSeq,
    Guid EventId,
    DateTime OccurredAt,
    DateTime RecordedAt,
    string Actor,
    string Action,
    string? ClientAddress,
    int SchemaVersion,
    string Summary,
    string PayloadJson,
    Guid? Supersedes,
    IReadOnlyList<Guid> SupersededBy,
    LedgerLineage? Lineage,
    bool LateArrival)
{
    /// <summary>System time minus business time.</summary>
    public TimeSpan ArrivalLag => RecordedAt - OccurredAt;
}

/// <param name="HeadStreamSeq">The stream's highest stream_seq (0: no such stream), independent of filters.</param>
/// <param name="Matches">Events matching the filters over all pages; exact for an unfiltered timeline (= head), capped otherwise.</param>
public sealed record TimelinePage(
    StreamKey Stream,
    IReadOnlyList<TimelineItem> Items,
    long HeadStreamSeq,
    MatchCount Matches,
    string? NextCursor)
{
    public bool StreamExists => HeadStreamSeq > 0;
}

/// <summary>
/// Every event of one stream, filtered and ordered, with keyset paging. Runs on the gateway's
/// connection and read-only transaction; SELECT only.
/// </summary>
/// <remarks>
/// The order key is (key, stream_seq) where key is stream_seq, occurred_at or recorded_at; the
/// cursor holds the last row's key and stream_seq, and the next page continues strictly after it
/// (<c>(key, stream_seq) &gt; (…)</c>, or &lt; when descending). stream_seq is unique within the
/// stream, so the order is total and no event is repeated or skipped between pages, also while new
/// events are appended (they have higher stream_seqs; in time orders they land where their times
/// put them, after the cursor if later).
/// </remarks>
public sealed class TimelineQuery
{
    public static readonly TimeSpan DefaultLateArrivalThreshold = TimeSpan.FromHours(24);

    /// <summary>Counting filtered matches stops after this many (default 10,000).</summary>
    public int CountCap { get; init; } = 10_000;

    /// <summary>
    /// Only events with <c>seq</c> ≤ this: the ledger as it stood when an earlier page was read (the ledger is append-only),
    /// for re-running it ("what did they see", docs/access-log-review.md); null: the ledger as it is. Bounds every read:
    /// the stream's head, the count, the page, each row's corrections and the related rows.
    /// </summary>
    public long? LedgerSize { get; init; }

    private const string CursorKind = "tl1";

    public async Task<TimelinePage> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, TimelineRequest request,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();

        var sql = new SqlBuilder();
        var bound = LedgerSize is { } size ? sql.Add(size) : null;
        if (bound is not null)
            sql.Where($"e.seq <= {bound}");
        sql.Where($"e.stream_type = {sql.Add(request.Stream.Type)}");
        sql.Where($"e.stream_id = {sql.Add(request.Stream.Id)}");
        var filtered = request.Action is not null || request.Actor is not null || request.Window is not null || request.EventIds is not null;
        if (request.Action is { } action)
            sql.Where($"e.action = {sql.Add(action)}");
        if (request.Actor is { } actor)
            sql.Where($"e.actor = {sql.Add(actor)}");
        if (request.Window is { } window)
            sql.Window("e", window);
        if (request.EventIds is { } eventIds)
            sql.Where($"e.event_id = ANY({sql.Add(eventIds.ToArray())})");

        long head;
        await using (var headCommand = new NpgsqlCommand(
            "SELECT coalesce(max(stream_seq), 0) FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND seq <= $3", connection, transaction))
        {
            headCommand.Parameters.Add(new NpgsqlParameter { Value = request.Stream.Type });
            headCommand.Parameters.Add(new NpgsqlParameter { Value = request.Stream.Id });
            headCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LedgerSize ?? long.MaxValue });
            head = (long)(await headCommand.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        MatchCount matches;
        if (!filtered || head == 0)
        {
            matches = new MatchCount(filtered ? 0 : head, true);
        }
        else
        {
            var cap = Math.Max(1, CountCap);
            await using var count = sql.Command(
                $"SELECT count(*) FROM (SELECT 1 FROM ledger.events e {sql.WhereClause} LIMIT {cap + 1}) m", connection, transaction);
            var n = (long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            matches = n > cap ? new MatchCount(cap, false) : new MatchCount(n, true);
        }

        var key = request.Order switch
        {
            TimelineOrder.OccurredAt => "e.occurred_at",
            TimelineOrder.RecordedAt => "e.recorded_at",
            _ => "e.stream_seq",
        };
        var direction = request.Descending ? "DESC" : "ASC";
        var comparison = request.Descending ? "<" : ">";
        if (request.Cursor is { } cursor)
        {
            var (afterKey, afterStreamSeq) = DecodeCursor(cursor, request.Order, request.Descending);
            sql.Where(request.Order == TimelineOrder.StreamSeq
                ? $"e.stream_seq {comparison} {sql.Add(afterStreamSeq)}"
                : $"({key}, e.stream_seq) {comparison} ({sql.Add(afterKey!)}, {sql.Add(afterStreamSeq)})");
        }
        var orderBy = request.Order == TimelineOrder.StreamSeq ? $"e.stream_seq {direction}" : $"{key} {direction}, e.stream_seq {direction}";
        var select = $"""
            SELECT {ItemColumns(bound)}
            FROM ledger.events e {sql.WhereClause}
            ORDER BY {orderBy} LIMIT {sql.Add(request.PageSize + 1)}
            """;
        List<TimelineItem> items;
        await using (var command = sql.Command(select, connection, transaction))
            items = await ReadItemsAsync(command, request.LateArrivalThreshold, ct).ConfigureAwait(false);

        string? next = null;
        if (items.Count > request.PageSize)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            var lastKey = request.Order switch
            {
                TimelineOrder.OccurredAt => PageCursor.Text(last.OccurredAt),
                TimelineOrder.RecordedAt => PageCursor.Text(last.RecordedAt),
                _ => PageCursor.Text(last.StreamSeq),
            };
            next = PageCursor.Encode(CursorKind, request.Order.ToString(), direction, lastKey, PageCursor.Text(last.StreamSeq));
        }
        return new TimelinePage(request.Stream, items, head, matches, next);
    }

    /// <summary>
    /// The events that <paramref name="page"/>'s rows correct, or are corrected by, but that are not on the page, read
    /// by the page's own item query (lineage, corrections and late arrival included), in ledger order.
    /// </summary>
    public async Task<IReadOnlyList<TimelineItem>> ReadRelatedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyList<TimelineItem> page, TimeSpan lateArrivalThreshold, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(page);
        var onPage = page.Select(i => i.EventId).ToHashSet();
        var wanted = page.SelectMany(i => i.SupersededBy.Append(i.Supersedes ?? Guid.Empty))
            .Where(id => id != Guid.Empty && !onPage.Contains(id)).Distinct().ToArray();
        if (wanted.Length == 0)
            return [];
        await using var command = new NpgsqlCommand($"SELECT {ItemColumns("$2")} FROM ledger.events e WHERE e.event_id = ANY($1) AND e.seq <= $2 ORDER BY e.seq",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = wanted, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LedgerSize ?? long.MaxValue });
        return await ReadItemsAsync(command, lateArrivalThreshold, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The columns of a <see cref="TimelineItem"/>, of <c>ledger.events e</c>, in the order <see cref="ReadItemsAsync"/> reads them;
    /// <paramref name="bound"/>: the placeholder of the ledger size (only corrections up to it), or null.
    /// </summary>
    private static string ItemColumns(string? bound) => $"""
        e.seq, e.stream_seq, e.event_id, e.occurred_at, e.recorded_at, e.actor, e.action, e.client_address, e.schema_version,
               e.payload, e.supersedes, e.lineage_inputs, e.rule_id, e.rule_version,
               ARRAY(SELECT s.event_id FROM ledger.events s WHERE s.supersedes = e.event_id{(bound is null ? "" : $" AND s.seq <= {bound}")} ORDER BY s.seq) AS superseded_by
        """;

    private static async Task<List<TimelineItem>> ReadItemsAsync(NpgsqlCommand command, TimeSpan lateArrivalThreshold, CancellationToken ct)
    {
        var items = new List<TimelineItem>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var occurred = reader.GetFieldValue<DateTime>(3);
            var recorded = reader.GetFieldValue<DateTime>(4);
            var action = reader.GetString(6);
            var payload = reader.GetString(9);
            items.Add(new TimelineItem(
                Seq: reader.GetInt64(0),
                StreamSeq: reader.GetInt64(1),
                EventId: reader.GetGuid(2),
                OccurredAt: occurred,
                RecordedAt: recorded,
                Actor: reader.GetString(5),
                Action: action,
                ClientAddress: reader.IsDBNull(7) ? null : reader.GetString(7),
                SchemaVersion: reader.GetInt32(8),
                Summary: TimelineSummaries.Summarize(action, payload),
                PayloadJson: payload,
                Supersedes: reader.IsDBNull(10) ? null : reader.GetGuid(10),
                SupersededBy: reader.GetFieldValue<Guid[]>(14),
                Lineage: reader.IsDBNull(12) ? null
                    : new LedgerLineage(reader.GetFieldValue<Guid[]>(11), reader.GetString(12), reader.GetString(13)),
                LateArrival: IsLateArrival(occurred, recorded, lateArrivalThreshold)));
        }
        return items;
    }

    /// <summary>Business time at least <paramref name="threshold"/> before system time.</summary>
    public static bool IsLateArrival(DateTime occurredAt, DateTime recordedAt, TimeSpan threshold) => recordedAt - occurredAt >= threshold;

    /// <summary>
    /// The cursor of the page that starts right after <paramref name="streamSeq"/> in stream_seq order,
    /// ascending and unfiltered — the same cursor paging forward from that event yields. stream_seq is
    /// dense, so the page of <c>size</c> events holding event <c>n</c> starts after <c>(n - 1) / size * size</c>:
    /// a link to one event can land on its page without walking the pages before it.
    /// </summary>
    public static string CursorAfterStreamSeq(long streamSeq)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(streamSeq);
        var text = PageCursor.Text(streamSeq);
        return PageCursor.Encode(CursorKind, TimelineOrder.StreamSeq.ToString(), "ASC", text, text);
    }

    /// <summary>The cursor's order key (a UTC instant for time orders, null for stream_seq) and stream_seq.</summary>
    internal static (DateTime? Key, long StreamSeq) DecodeCursor(string cursor, TimelineOrder order, bool descending)
    {
        var parts = PageCursor.Decode(cursor, CursorKind, 4);
        if (parts[0] != order.ToString() || parts[1] != (descending ? "DESC" : "ASC"))
            throw PageCursor.Invalid();
        var streamSeq = PageCursor.Long(parts[3]);
        if (order == TimelineOrder.StreamSeq)
            return PageCursor.Long(parts[2]) == streamSeq ? (null, streamSeq) : throw PageCursor.Invalid();
        return (PageCursor.Instant(parts[2]), streamSeq);
    }
}

using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Data.Timeline;

/// <summary>An event as the events API lists it, with its payload as stored (redaction is the gateway's job).</summary>
public sealed record StreamEvent(long Seq, Guid EventId, long StreamSeq, DateTime OccurredAt, DateTime RecordedAt, string Actor, string Action,
    string PayloadJson);

/// <summary>
/// The first events of one stream in stream_seq order, on the caller's connection and read-only transaction: the events
/// API's read (<c>GET /api/streams/{type}/{id}/events</c>), a plain prefix with no filters, cursor or corrections, which
/// the timeline's page (<see cref="TimelineQuery"/>) adds.
/// </summary>
public static class FirstEventsQuery
{
    private const string Sql = """
        SELECT seq, event_id, stream_seq, occurred_at, recorded_at, actor, action, payload
        FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND seq <= $4 ORDER BY stream_seq LIMIT $3
        """;

    /// <param name="ledgerSize">Only events with <c>seq</c> ≤ this (the ledger as it stood, for a re-run); null: the ledger as it is.</param>
    public static async Task<IReadOnlyList<StreamEvent>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StreamKey stream,
        int limit, long? ledgerSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var cmd = new NpgsqlCommand(Sql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Type });
        cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Id });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ledgerSize ?? long.MaxValue });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var events = new List<StreamEvent>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            events.Add(new StreamEvent(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2),
                reader.GetFieldValue<DateTime>(3), reader.GetFieldValue<DateTime>(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7)));
        }
        return events;
    }
}

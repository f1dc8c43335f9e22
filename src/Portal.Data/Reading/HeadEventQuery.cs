using AuditPortal.Data.Replica;
using Npgsql;

namespace AuditPortal.Data.Reading;

/// <summary>The last event of a ledger (at most a given size): what the dashboard shows as the head.</summary>
public sealed record HeadEvent(long Seq, byte[] Hash, Guid EventId, DateTime RecordedAt);

/// <summary>The head event and the standby's lag, in one statement on the caller's snapshot (the dashboard's read).</summary>
public static class HeadEventQuery
{
    // The LEFT JOIN keeps the row (and the lag) when the ledger is empty.
    private const string Sql = $"""
        SELECT h.seq, h.hash, h.event_id, h.recorded_at,
               {ReplicaLag.Columns}
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (SELECT seq, hash, event_id, recorded_at FROM ledger.events WHERE seq <= $1 ORDER BY seq DESC LIMIT 1) h ON true
        """;

    /// <summary>The event with the highest seq ≤ <paramref name="ledgerSize"/> (null: none), and the server's lag.</summary>
    public static async Task<(HeadEvent? Head, ReplicaLag Lag)> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long ledgerSize,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var cmd = new NpgsqlCommand(Sql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ledgerSize });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var head = reader.IsDBNull(0) ? null : new HeadEvent(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetGuid(2),
            DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc));
        return (head, ReplicaLag.Read(reader, 4));
    }
}

using AuditPortal.Data.Checkpoints;
using Npgsql;

namespace AuditPortal.Data.Reading;

/// <summary>
/// The head of a ledger (the portal's ledger, or the access log's, which has the same table): its highest seq, 0 when
/// it is empty. The one SQL read of it, run on a caller's connection and transaction so it is read in their snapshot.
/// </summary>
public static class LedgerHeadQuery
{
    /// <summary>The highest seq, 0 for an empty ledger.</summary>
    public const string Sql = "SELECT coalesce(max(seq), 0) FROM ledger.events";

    /// <summary>The highest seq; with <paramref name="atMost"/>, the highest seq ≤ it (the ledger as it stood at that size).</summary>
    public static async Task<long> SeqAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long? atMost = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var cmd = new NpgsqlCommand(atMost is null ? Sql : Sql + " WHERE seq <= $1", connection, transaction);
        if (atMost is { } bound)
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = bound });
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>
    /// The highest seq and the latest checkpoint's size, in one statement: the query gateway reads both before every
    /// query, so one round trip, not two.
    /// </summary>
    public static async Task<(long Seq, long CheckpointSize)> WithCheckpointSizeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var cmd = new NpgsqlCommand($"SELECT ({Sql}), ({CheckpointStore.LatestSizeSql})", connection, transaction);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}

using Npgsql;

namespace AuditPortal.Data.Replica;

/// <summary>
/// How far a standby is behind, as the standby sees it: WAL bytes received but not yet replayed, and the age of the last
/// replayed transaction. Current = nothing left to replay. On a primary, <see cref="InRecovery"/> is false and the rest
/// unknown (null).
/// </summary>
public sealed record ReplicaLag(bool InRecovery, long? ReplayBytesBehind, TimeSpan? SinceLastReplay)
{
    public bool IsCurrent => ReplayBytesBehind is 0;

    /// <summary>The three columns <see cref="Read"/> maps, for a caller that puts them in its own statement.</summary>
    public const string Columns = """
        pg_is_in_recovery(),
        pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint,
        now() - pg_last_xact_replay_timestamp()
        """;

    /// <summary>The server's lag now (any connection: the reader role may ask).</summary>
    public static async Task<ReplicaLag> ReadAsync(NpgsqlConnection connection, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var cmd = new NpgsqlCommand("SELECT " + Columns, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return Read(reader, 0);
    }

    /// <summary>The <see cref="Columns"/> of the current row, starting at <paramref name="first"/>.</summary>
    public static ReplicaLag Read(NpgsqlDataReader reader, int first)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new ReplicaLag(
            reader.GetBoolean(first),
            reader.IsDBNull(first + 1) ? null : Math.Max(0, reader.GetInt64(first + 1)),
            reader.IsDBNull(first + 2) ? null : reader.GetFieldValue<TimeSpan>(first + 2));
    }
}

using Npgsql;

namespace AuditPortal.Tests.Infrastructure;

/// <summary>Waits for a condition another process makes true (a PostgreSQL session's state), not for a fixed time.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/> (default 30 s).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (limit.IsCancellationRequested)
                throw new TimeoutException("still not true: " + what);
            await Task.Yield();
            await Task.Delay(10, CancellationToken.None); // poll interval; the condition decides, not this
        }
    }

    /// <summary>Sessions of the database of <paramref name="connectionString"/> waiting for an advisory lock (e.g. the ledger's append lock).</summary>
    public static async Task<long> AdvisoryLockWaitersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

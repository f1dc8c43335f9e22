using System.Data;
using Npgsql;

namespace AuditPortal.Data.Replica;

/// <summary>
/// Opens connections for reading the ledger: every transaction is read-only
/// (<c>default_transaction_read_only=on</c> is set at connection start-up, with <see cref="ReadSettings"/>), so a portal
/// bug cannot write even through a role that could. Use the SELECT-only reader role against the standby.
/// Multi-host connection strings (several standbys, <c>Load Balance Hosts=true</c>) work unchanged.
/// Statements are prepared automatically unless the connection string says otherwise (<see cref="AutoPrepare"/>).
/// </summary>
public sealed class ReplicaConnectionFactory : IAsyncDisposable
{
    /// <remarks>
    /// Pooled connections are not reset when returned (<c>No Reset On Close</c>, unless the connection string says
    /// otherwise). Npgsql's reset is seven statements run before the connection's next use (<c>RESET ALL</c>,
    /// <c>CLOSE ALL</c>, <c>UNLISTEN *</c>, advisory unlocks, <c>DISCARD SEQUENCES</c> and <c>TEMP</c>), parsed and run by
    /// the standby for every session a page opens; reads change no session state to reset: they run in transactions,
    /// change settings only with <c>SET LOCAL</c> / <c>SET TRANSACTION</c>, and make no temporary objects, cursors
    /// WITH HOLD, LISTENs or session locks. Without the reset the standby spent ~15 % less CPU per dashboard view
    /// (benchmarks/portal-load/cpu-per-request.sh, docs/performance.md). A connection left broken is still discarded.
    /// </remarks>
    public ReplicaConnectionFactory(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(AutoPrepare.Apply(connectionString));
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? ReadSettings : builder.Options + " " + ReadSettings;
        if (!GivenKeywords.Any(connectionString, "No Reset On Close", "NoResetOnClose"))
            builder.NoResetOnClose = true;
        DataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>
    /// Set at connection start-up: read-only transactions, and no JIT compilation of queries. The portal's reads are
    /// index-driven pages whose planner costs are often far above what they do (a recursive lineage walk estimated at
    /// 260,000 rows reads 51); past <c>jit_above_cost</c> PostgreSQL then compiled each one, 38 ms of a 0.4 ms forward-impact
    /// page on the 10M ledger (EXPLAIN ANALYZE, docs/performance.md).
    /// </summary>
    public const string ReadSettings = "-c default_transaction_read_only=on -c jit=off";

    /// <summary>The underlying data source; its connections start with read-only transactions.</summary>
    public NpgsqlDataSource DataSource { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct = default) => DataSource.OpenConnectionAsync(ct);

    /// <summary>
    /// Opens a connection and starts a read-only REPEATABLE READ transaction, so several queries see
    /// one consistent snapshot (e.g. a timeline and the head it is verified against).
    /// </summary>
    public async Task<ReadOnlySession> BeginReadOnlyAsync(CancellationToken ct = default)
    {
        var connection = await DataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            return new ReadOnlySession(connection, tx);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

/// <summary>A connection with an open read-only transaction; disposing rolls it back and closes.</summary>
public sealed class ReadOnlySession(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public NpgsqlConnection Connection { get; } = connection;
    public NpgsqlTransaction Transaction { get; } = transaction;

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

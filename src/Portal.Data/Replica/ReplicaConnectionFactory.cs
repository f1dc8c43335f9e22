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
    public ReplicaConnectionFactory(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(AutoPrepare.Apply(connectionString));
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? ReadSettings : builder.Options + " " + ReadSettings;
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

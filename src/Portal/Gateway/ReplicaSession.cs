using AuditPortal.Data.Replica;
using Npgsql;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// What a gateway query gets: one read-only REPEATABLE READ transaction on the standby, as the
/// SELECT-only reader role. Only <see cref="QueryGateway"/> creates sessions, so a page cannot
/// reach the replica without the access-log entry being written first.
/// </summary>
public sealed class ReplicaSession
{
    private readonly ReadOnlySession session;

    internal ReplicaSession(ReadOnlySession session, NpgsqlDataSource dataSource, long ledgerSize, long checkpointSize)
    {
        this.session = session;
        DataSource = dataSource;
        LedgerSize = ledgerSize;
        CheckpointSize = checkpointSize;
    }

    /// <summary>The ledger's size (highest seq) in this snapshot: the <c>ledger_size</c> the request entry records.</summary>
    public long LedgerSize { get; }

    /// <summary>The size of the latest checkpoint in this snapshot (0: none): the <c>checkpoint_size</c> the request entry records.</summary>
    public long CheckpointSize { get; }

    public NpgsqlCommand CreateCommand(string sql) => session.CreateCommand(sql);

    /// <summary>The session's connection, for data-layer queries that take (connection, transaction).</summary>
    public NpgsqlConnection Connection => session.Connection;

    /// <summary>The session's read-only snapshot transaction.</summary>
    public NpgsqlTransaction Transaction => session.Transaction;

    /// <summary>
    /// The replica's read-only data source, for the few data-layer queries that stream with connections
    /// of their own (the per-entity proof's COPY and leaf-hash reads). Still inside this gateway call:
    /// its access-log entry is written before and its outcome after.
    /// </summary>
    public NpgsqlDataSource DataSource { get; }
}

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

    internal ReplicaSession(ReadOnlySession session) => this.session = session;

    public NpgsqlCommand CreateCommand(string sql) => session.CreateCommand(sql);
}

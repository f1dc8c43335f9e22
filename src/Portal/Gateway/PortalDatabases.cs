using AuditPortal.Data.Replica;
using Npgsql;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// The portal's database connections, built once from <c>ConnectionStrings</c>. A missing string leaves
/// its source null: the app still starts (sign-in and status pages work), and what needs the database
/// answers 503 and reports it in <c>/healthz</c>.
/// </summary>
public sealed class PortalDatabases : IAsyncDisposable
{
    public PortalDatabases(IConfiguration configuration)
    {
        if (configuration.GetConnectionString("Replica") is { Length: > 0 } replica)
            Replica = new ReplicaConnectionFactory(replica);
        if (configuration.GetConnectionString("AccessLog") is { Length: > 0 } accessLog)
            AccessLog = NpgsqlDataSource.Create(accessLog);
    }

    /// <summary>The standby, as the SELECT-only reader role; every transaction read-only.</summary>
    public ReplicaConnectionFactory? Replica { get; }

    /// <summary>The portal database on the primary, as the access-log writer (INSERT + SELECT only).</summary>
    public NpgsqlDataSource? AccessLog { get; }

    public async ValueTask DisposeAsync()
    {
        if (Replica is not null)
            await Replica.DisposeAsync();
        if (AccessLog is not null)
            await AccessLog.DisposeAsync();
    }
}

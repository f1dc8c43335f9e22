using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuditPortal.Data.Workspace;

/// <summary>
/// The PostgreSQL channel that carries unmask-grant revocations between portal instances (docs/workspace.md): the
/// revoking transaction notifies it, delivered only if it commits; every instance listens on the portal database.
/// </summary>
public static class GrantRevocationChannel
{
    public const string Name = "workspace_grant_revoked";

    /// <summary>Sends <paramref name="grantId"/> in <paramref name="db"/>'s current transaction.</summary>
    public static Task NotifyAsync(WorkspaceDbContext db, Guid grantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.ExecuteSqlAsync($"SELECT pg_notify({Name}, {grantId.ToString("D")})", ct);
    }

    /// <summary>Starts listening on <paramref name="connection"/>; notifications then arrive on its <c>Notification</c> event.</summary>
    public static async Task ListenAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var listen = new NpgsqlCommand($"LISTEN {Name}", connection);
        await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}

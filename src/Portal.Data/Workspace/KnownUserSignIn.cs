using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Workspace;

/// <summary>Records a sign-in in <c>workspace.known_users</c>: one statement, so two sign-ins of one user at once cannot collide.</summary>
public static class KnownUserSignIn
{
    /// <summary>Inserts the user, or refreshes their name, roles and last sign-in (the first one is kept).</summary>
    public static Task RecordAsync(WorkspaceDbContext db, string subjectId, string displayName, string[] roles, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO workspace.known_users (subject_id, display_name, roles, first_seen_at, last_seen_at)
            VALUES ({subjectId}, {displayName}, {roles}, {now}, {now})
            ON CONFLICT (subject_id) DO UPDATE SET display_name = excluded.display_name, roles = excluded.roles, last_seen_at = excluded.last_seen_at
            """, ct);
    }
}

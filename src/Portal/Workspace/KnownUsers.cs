using System.Security.Claims;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.Workspace;

/// <summary>
/// The users the workspace has seen signing in with a case role (<c>workspace.known_users</c>): the sign-in records
/// them (<see cref="RecordSignInAsync"/>), the case page's member picker searches them (<see cref="SearchAsync"/>),
/// and adding a member checks the role against theirs (<see cref="CaseService.AddMemberAsync"/>). The OpenID Provider
/// is the directory; this is what the portal has learnt from it, one row per user (docs/workspace.md).
/// </summary>
public sealed class KnownUsers(IDbContextFactory<WorkspaceDbContext> workspace, TimeProvider time)
{
    /// <summary>At most this many users per search (the picker's list).</summary>
    public const int SearchLimit = 20;

    /// <summary>The roles a case member may have: the ones recorded.</summary>
    public static IReadOnlyList<string> CaseRoles { get; } = [PortalRoles.Investigator, PortalRoles.Auditor];

    /// <summary>
    /// Records (or refreshes) a user who just signed in, with their case roles; users with none (admins, no role) are
    /// not recorded, and a user who lost every case role is removed from the list.
    /// </summary>
    public async Task RecordSignInAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.SubjectId();
        var name = user.DisplayName();
        var roles = CaseRoles.Where(user.IsInRole).ToArray();
        if (string.IsNullOrWhiteSpace(subject) || QueryPurpose.Problem(subject, "id", 1, WorkspaceLimits.TitleLength) is not null)
            return;
        if (QueryPurpose.Problem(name, "name", 1, WorkspaceLimits.TitleLength) is not null)
            name = subject;
        await using var db = await workspace.CreateDbContextAsync(ct);
        if (roles.Length == 0)
        {
            await db.KnownUsers.Where(u => u.SubjectId == subject).ExecuteDeleteAsync(ct);
            return;
        }
        var now = time.GetUtcNow();
        await KnownUserSignIn.RecordAsync(db, subject, name, roles, now, ct);
    }

    /// <summary>Known users whose id or name contains <paramref name="text"/> (any case), by name; all of them (up to the limit) for no text.</summary>
    public async Task<IReadOnlyList<KnownUser>> SearchAsync(string? text, CancellationToken ct)
    {
        await using var db = await workspace.CreateDbContextAsync(ct);
        var users = db.KnownUsers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = "%" + Escape(text.Trim()) + "%";
            users = users.Where(u => EF.Functions.ILike(u.SubjectId, pattern, "\\") || EF.Functions.ILike(u.DisplayName, pattern, "\\"));
        }
        return await users.OrderBy(u => u.DisplayName).ThenBy(u => u.SubjectId).Take(SearchLimit).ToListAsync(ct);
    }

    /// <summary>The known user with this id, or null (never signed in with a case role).</summary>
    public static Task<KnownUser?> FindAsync(WorkspaceDbContext db, string subjectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.KnownUsers.AsNoTracking().SingleOrDefaultAsync(u => u.SubjectId == subjectId, ct);
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

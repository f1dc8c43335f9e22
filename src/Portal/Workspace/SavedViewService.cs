using System.Security.Claims;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.Workspace;

/// <summary>
/// Saved views (docs/workspace.md): a name for the current timeline, search or as-of URL, within a case. Only a
/// path inside the portal is kept (starts with one <c>/</c>), never a full URL; each save is an access-log entry.
/// </summary>
public sealed class SavedViewService(QueryGateway gateway, IDbContextFactory<WorkspaceDbContext> workspace, TimeProvider time)
{
    /// <summary>The page paths a view may name (the timeline pages: search, timeline, as-of, diff).</summary>
    public static bool IsSaveable(string relativeUrl) =>
        relativeUrl.StartsWith(PortalUrls.Timeline, StringComparison.Ordinal)
        && (relativeUrl.Length == PortalUrls.Timeline.Length || relativeUrl[PortalUrls.Timeline.Length] is '/' or '?');

    public static string? Check(string? name, string? relativeUrl) =>
        QueryPurpose.Problem(name, "The name", 1, WorkspaceLimits.TitleLength)
        ?? QueryPurpose.Problem(relativeUrl, "The address", 1, WorkspaceLimits.UrlLength)
        ?? (relativeUrl is not null && IsSaveable(relativeUrl.Trim()) && !relativeUrl.Contains('\\', StringComparison.Ordinal)
            ? null : "Only a timeline, search, as-of or diff page of the portal can be saved.");

    public async Task<GatewayResult<SavedView>> SaveAsync(ClaimsPrincipal user, Guid caseId, string name, string relativeUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Check(name, relativeUrl) is { } problem)
            return GatewayResult<SavedView>.Fail(GatewayStatus.BadRequest, problem);
        var now = time.GetUtcNow();
        var view = new SavedView { Id = Guid.CreateVersion7(now), CaseId = caseId, Name = name.Trim(), Url = relativeUrl.Trim(), CreatedBy = user.SubjectId(), CreatedAt = now };
        return await gateway.RecordAsync<SavedView>(WorkspaceKinds.ViewSave, user, caseId, new { name = view.Name, url = view.Url }, null, async (_, token) =>
        {
            await using var db = await workspace.CreateDbContextAsync(token);
            await AnnotationService.MemberOfOpenCaseAsync(db, user, caseId, now, token);
            if (await db.SavedViews.AnyAsync(v => v.CaseId == caseId && v.Name == view.Name, token))
                throw WorkspaceRefusal.BadRequest($"The case already has a view named '{view.Name}'.");
            db.SavedViews.Add(view);
            await db.SaveChangesAsync(token);
            return (view, [view.Id]);
        }, ct);
    }

    public Task<GatewayResult<bool>> DeleteAsync(ClaimsPrincipal user, Guid caseId, Guid viewId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        return gateway.RecordAsync<bool>(WorkspaceKinds.ViewDelete, user, caseId, new { view_id = viewId.ToString("D") }, null, async (_, token) =>
        {
            await using var db = await workspace.CreateDbContextAsync(token);
            await AnnotationService.MemberOfOpenCaseAsync(db, user, caseId, time.GetUtcNow(), token);
            var deleted = await db.SavedViews.Where(v => v.Id == viewId && v.CaseId == caseId).ExecuteDeleteAsync(token);
            if (deleted == 0)
                throw WorkspaceRefusal.BadRequest("That view does not exist (any more).");
            return (true, [viewId]);
        }, ct);
    }
}

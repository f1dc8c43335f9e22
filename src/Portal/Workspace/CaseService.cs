using System.Security.Claims;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.Workspace;

/// <summary>
/// Cases (docs/workspace.md): an investigator opens one (title, purpose or legal basis, optional reference) and
/// is its owner and first member; the owner adds investigators or auditors and closes it. Each change is an
/// access-log entry first (<see cref="QueryGateway.RecordAsync{T}"/>). Reads are the caller's own cases only.
/// </summary>
public sealed class CaseService(QueryGateway gateway, IDbContextFactory<WorkspaceDbContext> workspace, OpenCaseLists openCaseLists, TimeProvider time)
{
    /// <summary>Checks the texts of a new case with the one text rule; null when fine.</summary>
    public static string? Check(string? title, string? purpose, string? reference) =>
        QueryPurpose.Problem(title, "The title", 1, WorkspaceLimits.TitleLength)
        ?? QueryPurpose.Problem(purpose, "The purpose or legal basis", QueryPurpose.MinimumReasonLength, WorkspaceLimits.TextLength)
        ?? QueryPurpose.Problem(reference, "The reference", 0, WorkspaceLimits.ReferenceLength);

    public async Task<GatewayResult<InvestigationCase>> OpenAsync(ClaimsPrincipal user, string title, string purpose, string? reference, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Check(title, purpose, reference) is { } problem)
            return GatewayResult<InvestigationCase>.Fail(GatewayStatus.BadRequest, problem);
        QueryPurpose.TryStated(purpose, out var stated, out _);
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var trimmedReference = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
        return await gateway.RecordAsync<InvestigationCase>(WorkspaceKinds.CaseOpen, user, id, new { title = title.Trim(), reference = trimmedReference }, stated, async (_, token) =>
        {
            var subject = user.SubjectId();
            var opened = new InvestigationCase
            {
                Id = id,
                Title = title.Trim(),
                Purpose = stated!.Text,
                Reference = trimmedReference,
                Status = CaseStatus.Open,
                OwnerSubject = subject,
                OwnerName = user.DisplayName(),
                OpenedAt = now,
            };
            opened.Members.Add(new CaseMember { CaseId = id, SubjectId = subject, DisplayName = user.DisplayName(), Role = PortalRoles.Investigator, AddedAt = now, AddedBy = subject });
            await using var db = await workspace.CreateDbContextAsync(token);
            db.Cases.Add(opened);
            await db.SaveChangesAsync(token);
            openCaseLists.Forget();
            return (opened, [id]);
        }, ct);
    }

    /// <summary>The owner adds an investigator or an auditor (by OIDC subject and display name).</summary>
    public async Task<GatewayResult<CaseMember>> AddMemberAsync(ClaimsPrincipal user, Guid caseId, string subjectId, string displayName, string role, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var problem = QueryPurpose.Problem(subjectId, "The member's user id", 1, WorkspaceLimits.TitleLength)
            ?? QueryPurpose.Problem(displayName, "The member's name", 1, WorkspaceLimits.TitleLength)
            ?? (role is PortalRoles.Investigator or PortalRoles.Auditor ? null : "A member works in a case as an investigator or as an auditor.");
        if (problem is not null)
            return GatewayResult<CaseMember>.Fail(GatewayStatus.BadRequest, problem);
        var now = time.GetUtcNow();
        return await gateway.RecordAsync<CaseMember>(WorkspaceKinds.CaseMemberAdd, user, caseId, new { member = subjectId.Trim(), role }, null, async (_, token) =>
        {
            await using var db = await workspace.CreateDbContextAsync(token);
            await OwnOpenCaseAsync(db, user, caseId, token);
            if (await db.CaseMembers.AnyAsync(m => m.CaseId == caseId && m.SubjectId == subjectId.Trim(), token))
                throw WorkspaceRefusal.BadRequest("That user is already a member of the case.");
            // Someone who signed in without this role cannot work as it (a user not seen yet may be added by id).
            if (await KnownUsers.FindAsync(db, subjectId.Trim(), token) is { } known && !known.Roles.Contains(role, StringComparer.Ordinal))
                throw WorkspaceRefusal.BadRequest($"{known.DisplayName} signed in as {string.Join(" and ", known.Roles)}, not as {role}.");
            var member = new CaseMember { CaseId = caseId, SubjectId = subjectId.Trim(), DisplayName = displayName.Trim(), Role = role, AddedAt = now, AddedBy = user.SubjectId() };
            db.CaseMembers.Add(member);
            await db.SaveChangesAsync(token);
            openCaseLists.Forget();
            return (member, [caseId]);
        }, ct);
    }

    /// <summary>The owner closes the case: no query, grant, annotation or saved view is made in it any more (its live grants stop revealing at once).</summary>
    public Task<GatewayResult<bool>> CloseAsync(ClaimsPrincipal user, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        return gateway.RecordAsync<bool>(WorkspaceKinds.CaseClose, user, caseId, new { }, null, async (_, token) =>
        {
            await using var db = await workspace.CreateDbContextAsync(token);
            var found = await OwnOpenCaseAsync(db, user, caseId, token);
            found.Status = CaseStatus.Closed;
            found.ClosedAt = time.GetUtcNow();
            found.ClosedBy = user.SubjectId();
            await db.SaveChangesAsync(token);
            openCaseLists.Forget();
            return (true, [caseId]);
        }, ct);
    }

    /// <summary>The caller's open cases (member of), newest first: what the app bar offers (up to <see cref="OpenCaseLists.Lifetime"/> old).</summary>
    public Task<IReadOnlyList<InvestigationCase>> MyOpenCasesAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.SubjectId();
        return openCaseLists.GetAsync(subject, async token =>
        {
            await using var db = await workspace.CreateDbContextAsync(token);
            return await db.Cases.AsNoTracking()
                .Where(c => c.Status == CaseStatus.Open && db.CaseMembers.Any(m => m.CaseId == c.Id && m.SubjectId == subject))
                .OrderByDescending(c => c.OpenedAt)
                .ToListAsync(token);
        }, ct);
    }

    /// <summary>Every case the caller is a member of (open and closed), newest first.</summary>
    public async Task<IReadOnlyList<InvestigationCase>> MyCasesAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.SubjectId();
        await using var db = await workspace.CreateDbContextAsync(ct);
        return await db.Cases.AsNoTracking()
            .Where(c => db.CaseMembers.Any(m => m.CaseId == c.Id && m.SubjectId == subject))
            .OrderByDescending(c => c.OpenedAt)
            .ToListAsync(ct);
    }

    /// <summary>The case page: the case with its members, grants, annotations and saved views; null when the caller is not a member.</summary>
    public async Task<CaseFile?> FileAsync(ClaimsPrincipal user, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.SubjectId();
        await using var db = await workspace.CreateDbContextAsync(ct);
        var found = await db.Cases.AsNoTracking().Include(c => c.Members)
            .SingleOrDefaultAsync(c => c.Id == caseId && c.Members.Any(m => m.SubjectId == subject), ct);
        if (found is null)
            return null;
        return new CaseFile(
            found,
            await db.UnmaskGrants.AsNoTracking().Where(g => g.CaseId == caseId).OrderByDescending(g => g.GrantedAt).ToListAsync(ct),
            await db.Annotations.AsNoTracking().Where(a => a.CaseId == caseId).OrderByDescending(a => a.UpdatedAt).ToListAsync(ct),
            await db.SavedViews.AsNoTracking().Where(v => v.CaseId == caseId).OrderBy(v => v.Name).ToListAsync(ct));
    }

    private static async Task<InvestigationCase> OwnOpenCaseAsync(WorkspaceDbContext db, ClaimsPrincipal user, Guid caseId, CancellationToken ct)
    {
        var found = await db.Cases.SingleOrDefaultAsync(c => c.Id == caseId, ct);
        if (found is null || found.OwnerSubject != user.SubjectId())
            throw WorkspaceRefusal.Forbidden("Only the case's owner can do that.");
        if (found.Status != CaseStatus.Open)
            throw WorkspaceRefusal.BadRequest("The case is closed.");
        return found;
    }
}

/// <summary>What the case page shows.</summary>
public sealed record CaseFile(InvestigationCase Case, IReadOnlyList<UnmaskGrant> Grants, IReadOnlyList<Annotation> Annotations, IReadOnlyList<SavedView> Views);

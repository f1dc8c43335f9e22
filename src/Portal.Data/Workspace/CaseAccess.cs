using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Workspace;

/// <summary>
/// What one query in a case may do: the case, the caller's role in it and the caller's live grants in it.
/// Loaded for every gateway call made in a case by <see cref="LoadAsync"/>: one SQL statement, one round trip,
/// however many grants there are (the grants come back as rows of the same statement).
/// </summary>
public sealed record CaseAccess(InvestigationCase Case, string MemberRole, IReadOnlyList<UnmaskGrant> LiveGrants)
{
    public bool IsOpen => Case.Status == CaseStatus.Open;

    /// <summary>The case and the caller's membership and live grants at <paramref name="now"/>; null when the caller is not a member (or the case does not exist).</summary>
    public static async Task<CaseAccess?> LoadAsync(WorkspaceDbContext db, Guid caseId, string subject, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await (
            from m in db.CaseMembers.AsNoTracking()
            where m.CaseId == caseId && m.SubjectId == subject
            join c in db.Cases.AsNoTracking() on m.CaseId equals c.Id
            select new
            {
                Case = c,
                m.Role,
                Grants = db.UnmaskGrants.AsNoTracking()
                    .Where(g => g.CaseId == caseId && g.GranteeSubject == subject && g.RevokedAt == null && g.ExpiresAt > now)
                    .OrderBy(g => g.ExpiresAt)
                    .ToList(),
            }).SingleOrDefaultAsync(ct);
        return row is null ? null : new CaseAccess(row.Case, row.Role, row.Grants);
    }
}

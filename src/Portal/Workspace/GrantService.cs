using System.Globalization;
using System.Security.Claims;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Workspace;

/// <summary>
/// Justified unmasking (docs/workspace.md): an investigator asks to reveal a data subject (or one field of it)
/// seen on the page, in a case, for a while. Checked first (reason rules, duration, the subject is on the page
/// and not erased), then recorded through <see cref="QueryGateway.RecordAsync{T}"/>: the grant's access-log
/// entry is in the chain before the row is stored, and nothing is decrypted until a later query finds the row.
/// </summary>
public sealed class GrantService(
    QueryGateway gateway,
    IDbContextFactory<WorkspaceDbContext> workspace,
    TimeProvider time,
    IOptions<WorkspaceOptions> options,
    GrantRevocations revocations)
{
    public WorkspaceOptions Options => options.Value;

    /// <param name="page">What redaction met on the page the request comes from: only its subjects can be asked for.</param>
    public async Task<GatewayResult<UnmaskGrant>> GrantAsync(ClaimsPrincipal user, Guid caseId, GrantRequest request, RedactionSummary page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(page);
        if (Check(request, page) is { } problem)
            return GatewayResult<UnmaskGrant>.Fail(GatewayStatus.BadRequest, problem);
        QueryPurpose.TryReason(request.Reason, out var reason, out _);
        var id = Guid.CreateVersion7(time.GetUtcNow());
        var grantedAt = time.GetUtcNow();
        var expiresAt = grantedAt + request.Duration;
        var parameters = new
        {
            grant_id = id.ToString("D"),
            data_subject = request.DataSubject,
            field = request.FieldName,
            expires_at = expiresAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        return await gateway.RecordAsync<UnmaskGrant>(WorkspaceKinds.UnmaskGrant, user, caseId, parameters, reason, async (seq, token) =>
        {
            if (!RedactionPolicy.MayUnmask(user))
                throw WorkspaceRefusal.Forbidden("Only investigators can be granted personal data; auditors and admins never are.");
            await using var db = await workspace.CreateDbContextAsync(token);
            var subject = user.SubjectId();
            var access = await CaseAccess.LoadAsync(db, caseId, subject, grantedAt, token);
            if (access is null)
                throw WorkspaceRefusal.Forbidden("That case is not one of yours.");
            if (!access.IsOpen)
                throw WorkspaceRefusal.Forbidden("That case is closed.");
            if (access.MemberRole != Auth.PortalRoles.Investigator)
                throw WorkspaceRefusal.Forbidden("You work in this case as an auditor; only investigators can be granted personal data.");
            var grant = new UnmaskGrant
            {
                Id = id,
                CaseId = caseId,
                GranteeSubject = subject,
                GranteeName = user.DisplayName(),
                DataSubject = request.DataSubject,
                FieldName = request.FieldName,
                Reason = reason!.Text,
                GrantedAt = grantedAt,
                ExpiresAt = expiresAt,
                AccessLogSeq = seq,
            };
            db.UnmaskGrants.Add(grant);
            await db.SaveChangesAsync(token);
            return (grant, [id]);
        }, ct);
    }

    /// <summary>What is wrong with <paramref name="request"/> before anything is logged, or null.</summary>
    public string? Check(GrantRequest request, RedactionSummary page)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(page);
        if (!QueryPurpose.TryReason(request.Reason, out _, out var problem))
            return problem;
        if (request.Duration < WorkspaceOptions.MinGrantDuration || request.Duration > Options.MaxGrantDuration)
            return $"A grant lasts from {Describe(WorkspaceOptions.MinGrantDuration)} to {Describe(Options.MaxGrantDuration)}.";
        if (!page.FieldsBySubject.TryGetValue(request.DataSubject, out var fields))
            return "That data subject is not on this page; reveal only what the page shows.";
        if (request.FieldName is not null && !fields.Contains(request.FieldName))
            return $"The subject has no field '{request.FieldName}' on this page.";
        if (page.Erased.TryGetValue(request.DataSubject, out var erasedAt))
            return $"This person's data was {RedactionPolicy.Erased(erasedAt).Trim('[', ']')}: it cannot be revealed.";
        return null;
    }

    /// <summary>Ends the caller's own grant now; every open page of this process that revealed under it re-masks at once.</summary>
    public async Task<GatewayResult<bool>> RevokeAsync(ClaimsPrincipal user, Guid caseId, Guid grantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var result = await gateway.RecordAsync<bool>(WorkspaceKinds.UnmaskRevoke, user, caseId, new { grant_id = grantId.ToString("D") }, null, async (_, token) =>
        {
            await using var db = await workspace.CreateDbContextAsync(token);
            var subject = user.SubjectId();
            var now = time.GetUtcNow();
            // One statement: a second tab revoking the same grant changes nothing and is told so.
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var changed = await db.UnmaskGrants
                .Where(g => g.Id == grantId && g.CaseId == caseId && g.GranteeSubject == subject && g.RevokedAt == null && g.ExpiresAt > now)
                .ExecuteUpdateAsync(u => u.SetProperty(g => g.RevokedAt, now).SetProperty(g => g.RevokedBy, subject), token);
            if (changed == 1)
            {
                // Delivered to every instance's GrantRevocationListener only if the revocation commits.
                await GrantRevocationChannel.NotifyAsync(db, grantId, token);
                await transaction.CommitAsync(token);
            }
            else
            {
                var exists = await db.UnmaskGrants.AnyAsync(g => g.Id == grantId && g.CaseId == caseId && g.GranteeSubject == subject, token);
                throw exists
                    ? WorkspaceRefusal.BadRequest("That grant has already ended (revoked or expired).")
                    : WorkspaceRefusal.Forbidden("That grant is not one of yours.");
            }
            return (true, [grantId]);
        }, ct);
        if (result.IsOk)
            revocations.Publish(grantId);
        return result;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} hour(s)" : $"{span.TotalMinutes:0} minute(s)";
}

using System.Security.Claims;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Workspace;
using AuditPortal.Evidence;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Workspace;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.Evidence;

/// <summary>One line of the case's export list: a recorded export (done) or a job of this process (running, failed, cancelled).</summary>
public sealed record CaseExportLine(string? ExportId, Guid? JobId, string By, DateTimeOffset When, string Scope, ExportJobStatus Status,
    double Progress, string? Message, int? EventCount, long? CheckpointSize, string? PdfSha256, string? BundleSha256, long? AccessLogSeq);

/// <summary>
/// The export side of a case for the pages (docs/evidence-pdf.md "From the portal"): the preview before an export, the
/// start of the background job (in the active case, checked with <see cref="CaseExportAccess"/>), cancel, and the
/// case's export list (recorded rows and this process's jobs). Scoped: one per circuit.
/// </summary>
public sealed class CaseExportService(ActiveCase activeCase, ClientConnection client, ExportPreviewQuery previews, EvidenceExportJobs jobs,
    IDbContextFactory<WorkspaceDbContext> workspace, TimeProvider time)
{
    public Guid? CaseId => activeCase.Id;

    public async Task<GatewayResult<ExportPreview>> PreviewAsync(ClaimsPrincipal user, ExportScope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (activeCase.Id is not { } caseId)
            return GatewayResult<ExportPreview>.Fail(GatewayStatus.BadRequest, CaseExportAccess.NoCaseMessage);
        EventSelection? selection;
        try
        {
            selection = await SelectionAsync(scope, caseId, null, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return GatewayResult<ExportPreview>.Fail(GatewayStatus.WorkspaceUnavailable, QueryGateway.WorkspaceUnavailableMessage);
        }
        return await previews.RunAsync(user, scope, selection, ct);
    }

    /// <summary>
    /// The events of a scope that spans several streams: the case's starred events (read from the workspace now, so the
    /// job exports what is starred when it starts) or an output's lineage closure; null for a stream.
    /// </summary>
    private async Task<EventSelection?> SelectionAsync(ExportScope scope, Guid caseId, string? caseName, CancellationToken ct)
    {
        switch (scope.Kind)
        {
            case ExportScopeKind.Starred:
                await using (var db = await workspace.CreateDbContextAsync(ct))
                {
                    var starred = await db.Annotations.Where(a => a.CaseId == caseId && a.Starred).Select(a => a.EventId).ToArrayAsync(ct);
                    return new StarredEvents(caseName ?? caseId.ToString("D"), starred);
                }
            case ExportScopeKind.Lineage:
                return new LineageClosure(scope.Output!.Value, caseName);
            default:
                return null;
        }
    }

    /// <summary>Starts the export in the active case; null and why not when the caller may not (nothing is logged or run then).</summary>
    public async Task<(ExportJob? Job, string? Problem)> StartAsync(ClaimsPrincipal user, ExportScope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(scope);
        if (activeCase.Id is not { } caseId)
            return (null, CaseExportAccess.NoCaseMessage);
        CaseAccess? access;
        EventSelection? selection;
        try
        {
            await using var db = await workspace.CreateDbContextAsync(ct);
            access = await CaseAccess.LoadAsync(db, caseId, user.SubjectId(), time.GetUtcNow(), ct);
            selection = access is null ? null
                : await SelectionAsync(scope, caseId, access.Case.Reference is { } reference ? $"{access.Case.Title} ({reference})" : access.Case.Title, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, QueryGateway.WorkspaceUnavailableMessage);
        }
        if (CaseExportAccess.Problem(user, access, toExport: true) is { } problem)
            return (null, problem);
        // The grants live now are the ones the export reveals under (and logs); one that expires while it runs still names the export time.
        var grants = RedactionPolicy.MayUnmask(user) ? ExportPreviewQuery.Revealing(access!.LiveGrants) : [];
        var who = new EvidenceRequester(user.SubjectId(), user.DisplayName(), [PortalRoles.Investigator], access!.Case.Purpose,
            caseId.ToString("D"), client.Address, access.Case.Reference is { } r ? $"{access.Case.Title} ({r})" : access.Case.Title,
            grants.Select(g => g.Id.ToString("D")).ToArray());
        return (jobs.Start(new ExportJobRequest(caseId, scope, who, grants, selection)), null);
    }

    /// <summary>Cancels a job of the caller's (only the investigator who started it may).</summary>
    public string? Cancel(ClaimsPrincipal user, Guid jobId)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (jobs.Find(jobId) is not { } job || job.Request.Who.SubjectId != user.SubjectId())
            return "There is no such export of yours running.";
        return job.Cancel() ? null : "Too late to cancel: the export has finished or its file is being stored.";
    }

    /// <summary>The case's export list: this process's jobs that are not stored, then the recorded exports; newest first.</summary>
    public async Task<IReadOnlyList<CaseExportLine>> ListAsync(Guid caseId, CancellationToken ct)
    {
        await using var db = await workspace.CreateDbContextAsync(ct);
        var rows = await EvidenceExportQueries.OfCaseAsync(db, caseId, ct);
        var recorded = rows.Select(r => r.ExportId).ToHashSet(StringComparer.Ordinal);
        var live = jobs.OfCase(caseId).Where(j => j.ExportId is null || !recorded.Contains(j.ExportId))
            .Select(j => new CaseExportLine(j.ExportId, j.Id, j.Request.Who.DisplayName, j.QueuedAt, j.Request.Scope.ToString(), j.Status, j.Progress,
                j.Message, null, null, null, null, null));
        var done = rows.Select(r => new CaseExportLine(r.ExportId, jobs.OfCase(caseId).FirstOrDefault(j => j.ExportId == r.ExportId)?.Id, r.ExportedByName,
            r.ExportedAt, r.Scope, ExportJobStatus.Done, 1, null, r.EventCount, r.CheckpointSize, r.PdfSha256, r.BundleSha256, r.AccessLogSeq));
        return [.. live.Concat(done).OrderByDescending(l => l.When)];
    }
}

using System.Security.Claims;
using AuditPortal.Portal.Evidence;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Verification.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.Evidence;

/// <summary>Drives the export side of a case the way the dialog does: the preview and the job's start in a circuit's scope (active case captured), then waits for the job.</summary>
public sealed class CaseExports(GatewayPortalFactory factory)
{
    public EvidenceExportJobs Jobs => factory.Services.GetRequiredService<EvidenceExportJobs>();

    public async Task<AuditPortal.Portal.Gateway.GatewayResult<ExportPreview>> PreviewAsync(ClaimsPrincipal user, Guid? caseId, ExportScope scope)
    {
        using var services = factory.Services.CreateScope();
        services.ServiceProvider.GetRequiredService<ActiveCase>().CaptureForCircuit(caseId?.ToString("D"));
        return await services.ServiceProvider.GetRequiredService<CaseExportService>().PreviewAsync(user, scope, CancellationToken.None);
    }

    public async Task<(ExportJob? Job, string? Problem)> StartAsync(ClaimsPrincipal user, Guid? caseId, ExportScope scope)
    {
        using var services = factory.Services.CreateScope();
        services.ServiceProvider.GetRequiredService<ActiveCase>().CaptureForCircuit(caseId?.ToString("D"));
        return await services.ServiceProvider.GetRequiredService<CaseExportService>().StartAsync(user, scope, CancellationToken.None);
    }

    /// <summary>Starts the export and waits for the job to end (its task, not a sleep); the job must have started.</summary>
    public async Task<ExportJob> RunAsync(ClaimsPrincipal user, Guid caseId, ExportScope scope)
    {
        var (job, problem) = await StartAsync(user, caseId, scope);
        job.ShouldNotBeNull(problem);
        await Jobs.WhenFinishedAsync(job.Id).WaitAsync(TimeSpan.FromMinutes(2));
        return job;
    }

    public static ExportScope Whole(StreamKey stream) => new(stream, null);
}

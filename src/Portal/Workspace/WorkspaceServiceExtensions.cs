using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Gateway;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.Workspace;

public static class WorkspaceServiceExtensions
{
    /// <summary>
    /// The workspace (docs/workspace.md): <see cref="WorkspaceDbContext"/> through a factory (a Blazor circuit
    /// outlives a unit of work, so each operation makes its own short-lived context) over the portal database's
    /// pool (<c>ConnectionStrings:AccessLog</c>, the writer role); the active case, the case, grant, annotation and
    /// saved-view services, and <c>Portal:Workspace</c>. Nothing here migrates: <c>auditportal ledger init</c> does.
    /// </summary>
    public static IServiceCollection AddPortalWorkspace(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkspaceOptions>().Bind(configuration.GetSection(WorkspaceOptions.Section))
            .Validate(o => o.MaxGrantDuration >= WorkspaceOptions.MinGrantDuration && o.DefaultGrantDuration >= WorkspaceOptions.MinGrantDuration
                && o.DefaultGrantDuration <= o.MaxGrantDuration, "Portal:Workspace: want 1 minute <= DefaultGrantDuration <= MaxGrantDuration")
            .ValidateOnStart();
        services.AddScoped<ActiveCase>();
        services.AddSingleton<GrantRevocations>();
        services.AddSingleton<GrantRevocationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<GrantRevocationListener>());
        services.AddSingleton<OpenCaseLists>();
        services.AddScoped<CaseService>();
        services.AddScoped<GrantService>();
        services.AddScoped<AnnotationService>();
        services.AddScoped<KnownUsers>();
        services.AddScoped<SavedViewService>();
        services.AddScoped<AuditPortal.Portal.Evidence.RecordedExportLookup>();
        // Pooled: contexts are made per page view (the gateway's check of the active case) and per user every 10 s
        // (the app bar's case list), and a new one cost more than the query it ran (EF looks its internal services
        // up by comparing options).
        services.AddPooledDbContextFactory<WorkspaceDbContext>((sp, options) =>
        {
            if (sp.GetRequiredService<PortalDatabases>().AccessLog is { } portalDb)
                WorkspaceDbContext.Configure(options, portalDb);
            else
                options.UseNpgsql(); // no portal database configured: every workspace operation fails, and says so
        });
        return services;
    }
}

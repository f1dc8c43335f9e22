using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Gateway;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.Workspace;

public static class WorkspaceServiceExtensions
{
    /// <summary>
    /// The workspace (docs/workspace.md): <see cref="WorkspaceDbContext"/> through a factory (a Blazor circuit
    /// outlives a unit of work, so each operation makes its own short-lived context) over the portal database's
    /// pool (<c>ConnectionStrings:AccessLog</c>, the writer role). Nothing here migrates: <c>auditportal ledger init</c> does.
    /// </summary>
    public static IServiceCollection AddPortalWorkspace(this IServiceCollection services)
    {
        services.AddDbContextFactory<WorkspaceDbContext>((sp, options) =>
        {
            if (sp.GetRequiredService<PortalDatabases>().AccessLog is { } portalDb)
                WorkspaceDbContext.Configure(options, portalDb);
            else
                options.UseNpgsql(); // no portal database configured: every workspace operation fails, and says so
        }, ServiceLifetime.Singleton);
        return services;
    }
}

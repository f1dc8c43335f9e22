using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AuditPortal.Data.Workspace;

/// <summary>
/// For <c>dotnet ef migrations add</c> only (docs/workspace.md): builds the context without a host. Adding a
/// migration needs no database; the connection string is a placeholder unless <c>AUDITPORTAL_PORTAL_DB</c> is set.
/// </summary>
internal sealed class WorkspaceDesignTimeFactory : IDesignTimeDbContextFactory<WorkspaceDbContext>
{
    public WorkspaceDbContext CreateDbContext(string[] args) =>
        new(WorkspaceDbContext.Configure(new DbContextOptionsBuilder<WorkspaceDbContext>(),
            Environment.GetEnvironmentVariable("AUDITPORTAL_PORTAL_DB") ?? "Host=127.0.0.1;Database=portal").Options);
}

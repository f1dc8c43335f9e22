using AuditPortal.Data.Workspace;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Infrastructure;

/// <summary>Workspace contexts over one connection string (a real database, or an unreachable one for outage tests).</summary>
public sealed class TestWorkspaceFactory(string connectionString) : IDbContextFactory<WorkspaceDbContext>
{
    public const string Unreachable = "Host=127.0.0.1;Port=1;Username=postgres;Database=portal;Timeout=2";

    public WorkspaceDbContext CreateDbContext() =>
        new(WorkspaceDbContext.Configure(new DbContextOptionsBuilder<WorkspaceDbContext>(), connectionString).Options);
}

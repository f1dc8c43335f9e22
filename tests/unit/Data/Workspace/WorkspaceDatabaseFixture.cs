using AuditPortal.Data.Schema;
using AuditPortal.Data.Workspace;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Data.Workspace;

/// <summary>
/// A portal database as <c>auditportal ledger init</c> leaves it (access log, portal tables, workspace), and
/// contexts on it as the portal's connection role (<c>accesslog_writer</c>).
/// </summary>
public sealed class WorkspaceDatabaseFixture : IAsyncLifetime
{
    public AccessLogPostgresFixture Db { get; } = new();

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        await PortalMigrator.MigrateAsync(Db.SuperuserConnectionString);
        await WorkspaceMigrator.MigrateAsync(Db.SuperuserConnectionString);
    }

    /// <summary>A context as the portal's writer role (not the superuser), so the tests see its privileges.</summary>
    public WorkspaceDbContext Context() =>
        new(WorkspaceDbContext.Configure(new DbContextOptionsBuilder<WorkspaceDbContext>(), Db.WriterConnectionString).Options);

    public Task DisposeAsync() => Db.DisposeAsync();
}

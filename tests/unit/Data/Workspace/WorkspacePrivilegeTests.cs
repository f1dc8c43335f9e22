using AuditPortal.Data.Workspace;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuditPortal.Tests.Data.Workspace;

/// <summary>What the portal's connection role may do in the workspace: grants and cases are never deleted, the history is not its business.</summary>
public sealed class WorkspacePrivilegeTests(WorkspaceDatabaseFixture fixture) : IClassFixture<WorkspaceDatabaseFixture>
{
    [Theory]
    [InlineData("DELETE FROM workspace.unmask_grants")]
    [InlineData("DELETE FROM workspace.cases")]
    [InlineData("TRUNCATE workspace.annotations")]
    [InlineData("SELECT * FROM workspace.__ef_migrations_history")]
    [InlineData("CREATE TABLE workspace.extra (id int)")]
    public async Task PortalRole_ForbiddenStatement_IsRefused(string sql)
    {
        await using var context = fixture.Context();
        var error = await Should.ThrowAsync<PostgresException>(() => context.Database.ExecuteSqlRawAsync(sql));
        error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Theory]
    [InlineData("DELETE FROM workspace.annotations")]
    [InlineData("DELETE FROM workspace.saved_views")]
    [InlineData("DELETE FROM workspace.known_users WHERE false")]
    [InlineData("UPDATE workspace.unmask_grants SET revoked_at = now() WHERE false")]
    public async Task PortalRole_AllowedStatement_Runs(string sql)
    {
        await using var context = fixture.Context();
        await context.Database.ExecuteSqlRawAsync(sql);
    }
}

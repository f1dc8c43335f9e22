using AuditPortal.Data.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace AuditPortal.Data.Workspace;

/// <summary>
/// Applies the workspace's EF Core migrations (<c>Workspace/Migrations</c>) to the portal database and grants
/// the portal's connection role what it needs. Run by <c>auditportal ledger init</c> after
/// <see cref="PortalMigrator"/>; the portal itself never migrates (docs/workspace.md). EF Core takes a lock on
/// its history table while it migrates, so two concurrent inits apply each migration once.
/// </summary>
public static class WorkspaceMigrator
{
    /// <summary>
    /// Tables whose rows users may delete (an annotation cleared, a saved view removed, a member taken off a
    /// case, a known user who signed in without any case role). Everything else is only inserted and updated: grants
    /// are revoked, cases closed, never deleted.
    /// </summary>
    public static IReadOnlyList<string> DeletableTables { get; } = ["annotations", "saved_views", "case_members", "known_users"];

    /// <summary>Every migration of the workspace, oldest first (EF Core ids, <c>yyyyMMddHHmmss_Name</c>).</summary>
    public static IReadOnlyList<string> Migrations
    {
        get
        {
            using var context = Create("Host=127.0.0.1;Database=unused");
            return [.. context.Database.GetMigrations()];
        }
    }

    /// <summary>Applies the pending migrations (all, or up to <paramref name="targetMigration"/>) and returns their ids.</summary>
    /// <param name="superuserConnectionString">A role that may create objects in the portal database.</param>
    /// <param name="roles">The portal database's roles; the writer is the portal's connection role.</param>
    public static async Task<IReadOnlyList<string>> MigrateAsync(
        string superuserConnectionString, LedgerRoles? roles = null, string? targetMigration = null, CancellationToken ct = default)
    {
        roles ??= LedgerRoles.AccessLog;
        await using var context = Create(superuserConnectionString);
        var applied = (await context.Database.GetAppliedMigrationsAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var pending = context.Database.GetMigrations().Where(m => !applied.Contains(m)).ToList();
        if (targetMigration is not null)
        {
            var index = pending.IndexOf(targetMigration);
            pending = index < 0 ? [] : pending[..(index + 1)];
        }
        await context.GetService<IMigrator>().MigrateAsync(targetMigration, ct);
        await GrantAsync(superuserConnectionString, roles, ct);
        return pending;
    }

    /// <summary>
    /// The portal's writer role may read, insert and update every workspace table (and delete from
    /// <see cref="DeletableTables"/>); the reader may read. Tables added by later migrations are covered on the next run.
    /// </summary>
    private static async Task GrantAsync(string superuserConnectionString, LedgerRoles roles, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync(ct);
        var schema = WorkspaceDbContext.Schema;
        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", connection))
        {
            list.Parameters.Add(new() { Value = schema });
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                tables.Add(reader.GetString(0));
        }
        var (writer, readerRole) = (Quote(roles.Writer), Quote(roles.Reader));
        // A database migrated only part of the way (a test, an older target) lacks some deletable tables.
        var deletes = string.Concat(DeletableTables.Where(tables.Contains).Select(t => $"GRANT DELETE ON {schema}.{t} TO {writer};\n"));
        var sql = $"""
            GRANT USAGE ON SCHEMA {schema} TO {writer}, {readerRole};
            GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {schema} TO {writer};
            GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {readerRole};
            {deletes}
            REVOKE ALL ON {schema}.{WorkspaceDbContext.HistoryTable} FROM {writer}, {readerRole};
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Quote(string role) => "\"" + role.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static WorkspaceDbContext Create(string connectionString) =>
        new(WorkspaceDbContext.Configure(new DbContextOptionsBuilder<WorkspaceDbContext>(), connectionString).Options);
}

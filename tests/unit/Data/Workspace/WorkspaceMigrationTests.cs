using AuditPortal.Cli;
using AuditPortal.Data.Schema;
using AuditPortal.Data.Workspace;
using AuditPortal.Tests.Cli;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuditPortal.Tests.Data.Workspace;

/// <summary>
/// The workspace's EF Core migrations on real PostgreSQL: up from an empty portal database (through
/// <c>auditportal ledger init</c>, as <c>./portal up</c> runs it), and up from the previous migration with data in it.
/// </summary>
public sealed class WorkspaceMigrationTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task LedgerInit_EmptyPortalDatabase_AppliesEveryWorkspaceMigrationThenNothing()
    {
        await using var ledger = new PostgresFixture();
        await ledger.InitializeAsync();
        await using var portal = await EmptyDatabase.CreateAsync(db.ServerConnectionString);
        var keys = Directory.CreateTempSubdirectory("ap-ws-");
        try
        {
            var env = new Dictionary<string, string>
            {
                [CliEnvironment.PrimaryVariable] = ledger.SuperuserConnectionString,
                [CliEnvironment.PortalDbVariable] = portal.ConnectionString,
                [CliEnvironment.KeysDirVariable] = keys.FullName,
            };
            var first = await CliRun.RunAsync(env, "ledger", "init");
            first.Code.ShouldBe(ExitCodes.Ok, first.Err);
            first.Out.ShouldContain("portal database (workspace): applied migration(s) " + string.Join(", ", WorkspaceMigrator.Migrations));

            var second = await CliRun.RunAsync(env, "ledger", "init");
            second.Code.ShouldBe(ExitCodes.Ok, second.Err);
            second.Out.ShouldContain("portal database (workspace): up to date");

            await using var connection = new NpgsqlConnection(portal.ConnectionString);
            await connection.OpenAsync();
            await using var tables = new NpgsqlCommand(
                "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'workspace'", connection);
            ((string)(await tables.ExecuteScalarAsync())!).ShouldBe("__ef_migrations_history,annotations,case_members,cases,evidence_export_files,evidence_exports,known_users,review_acknowledgements,saved_views,unmask_grants");
        }
        finally
        {
            keys.Delete(recursive: true);
            await ledger.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrate_FromThePreviousMigrationWithData_KeepsTheRowsAndAddsTheRest()
    {
        WorkspaceMigrator.Migrations.Count.ShouldBeGreaterThanOrEqualTo(2);
        var previous = WorkspaceMigrator.Migrations[^2];
        (await WorkspaceMigrator.MigrateAsync(db.SuperuserConnectionString, targetMigration: previous))
            .ShouldBe(WorkspaceMigrator.Migrations.Take(WorkspaceMigrator.Migrations.Count - 1));

        // Data as the first migration's tables hold it (plain SQL: the model of that time, not today's classes).
        var caseId = Guid.CreateVersion7(T0);
        await db.ExecuteAsync($"""
            INSERT INTO workspace.cases (id, title, purpose, reference, status, owner_subject, owner_name, opened_at)
              VALUES ('{caseId}', 'Wash trades Q3', 'Art. 6(1)(c) GDPR: legal obligation (MAR art. 16)', 'CASE-7', 'open', 'sub-inv1', 'Ivy Investigator', '2026-12-01T10:00:00Z');
            INSERT INTO workspace.case_members (case_id, subject_id, display_name, role, added_at, added_by)
              VALUES ('{caseId}', 'sub-inv1', 'Ivy Investigator', 'investigator', '2026-12-01T10:00:00Z', 'sub-inv1'),
                     ('{caseId}', 'sub-aud1', 'Aldo Auditor', 'auditor', '2026-12-01T10:05:00Z', 'sub-inv1');
            """);

        var applied = await WorkspaceMigrator.MigrateAsync(db.SuperuserConnectionString);
        applied.ShouldBe([WorkspaceMigrator.Migrations[^1]]);

        await using var context = new WorkspaceDbContext(WorkspaceDbContext.Configure(
            new DbContextOptionsBuilder<WorkspaceDbContext>(), db.WriterConnectionString).Options);
        var kept = await context.Cases.Include(c => c.Members).SingleAsync(c => c.Id == caseId);
        kept.Title.ShouldBe("Wash trades Q3");
        kept.Status.ShouldBe(CaseStatus.Open);
        kept.Members.Select(m => m.SubjectId).Order().ShouldBe(["sub-aud1", "sub-inv1"]);

        // The newer tables work next to the kept rows, as the portal's role.
        context.UnmaskGrants.Add(new UnmaskGrant
        {
            Id = Guid.CreateVersion7(T0), CaseId = caseId, GranteeSubject = "sub-inv1", GranteeName = "Ivy Investigator",
            DataSubject = "cust-0001", Reason = "Check the account holder of the wash trades", GrantedAt = T0, ExpiresAt = T0.AddHours(1), AccessLogSeq = 17,
        });
        context.Annotations.Add(new Annotation
        {
            Id = Guid.CreateVersion7(T0), CaseId = caseId, EventId = Guid.NewGuid(), StreamType = "account", StreamId = "acc-1",
            Starred = true, Label = "suspicious", UpdatedBy = "sub-inv1", CreatedAt = T0, UpdatedAt = T0,
        });
        context.SavedViews.Add(new SavedView { Id = Guid.CreateVersion7(T0), CaseId = caseId, Name = "Account 1", Url = "/timeline/account/acc-1", CreatedBy = "sub-inv1", CreatedAt = T0 });
        var exportRow = Guid.CreateVersion7(T0);
        context.EvidenceExportFiles.Add(new EvidenceExportFile { ExportRowId = exportRow, Pdf = [0x25, 0x50, 0x44, 0x46] });
        context.EvidenceExports.Add(new EvidenceExportRecord
        {
            Id = exportRow, ExportId = "exp-0001", CaseId = caseId, ExportedBy = "sub-inv1", ExportedByName = "Ivy Investigator",
            ExportedAt = T0, Scope = "stream account/acc-1", EventCount = 3, CheckpointSize = 1000, PdfSha256 = new string('a', 64),
            BundleSha256 = new string('b', 64), AccessLogSeq = 18,
        });
        await context.SaveChangesAsync();
        (await context.UnmaskGrants.CountAsync(g => g.CaseId == caseId)).ShouldBe(1);
        (await context.EvidenceExportFiles.SingleAsync(f => f.ExportRowId == exportRow)).Pdf.Length.ShouldBe(4);
        (await EvidenceExportQueries.FindBySha256Async(context, new string('a', 64)))!.CaseTitle.ShouldBe("Wash trades Q3");

        // A hash that is not lowercase hex is refused by the table itself.
        context.EvidenceExports.Add(new EvidenceExportRecord
        {
            Id = Guid.CreateVersion7(T0.AddSeconds(1)), ExportId = "exp-0002", CaseId = caseId, ExportedBy = "sub-inv1", ExportedByName = "Ivy Investigator",
            ExportedAt = T0, Scope = "stream account/acc-1", EventCount = 3, CheckpointSize = 1000, PdfSha256 = new string('A', 64),
            BundleSha256 = new string('b', 64), AccessLogSeq = 19,
        });
        await Should.ThrowAsync<DbUpdateException>(() => context.SaveChangesAsync());

        (await WorkspaceMigrator.MigrateAsync(db.SuperuserConnectionString)).ShouldBeEmpty();
    }
}

/// <summary>A database with nothing in it, dropped at the end.</summary>
internal sealed class EmptyDatabase : IAsyncDisposable
{
    private readonly string server;
    private readonly string name;

    private EmptyDatabase(string server, string name)
    {
        this.server = server;
        this.name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<EmptyDatabase> CreateAsync(string serverConnectionString)
    {
        var database = new EmptyDatabase(serverConnectionString, "ap_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)));
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

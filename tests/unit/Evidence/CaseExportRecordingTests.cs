using AuditPortal.Cli;
using AuditPortal.Cli.Commands;
using AuditPortal.Data;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Schema;
using AuditPortal.Data.Workspace;
using AuditPortal.Evidence;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Tests.Cli;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuditPortal.Tests.Evidence;

/// <summary>
/// An export within a case, in process, against a real ledger and a real portal database (access log + workspace):
/// the access-log entry first, then the <c>workspace.evidence_exports</c> row, then the outcome; the PDF verifies and the
/// hash lookup finds it. An access log that is down, or a row that cannot be written, leaves no row and hands out no file.
/// </summary>
/// <remarks>One scenario per class: each seeds its own ledger with its own keys.</remarks>
public abstract class CaseExportTestBase(PostgresFixture db, AccessLogPostgresFixture accessLog) : EvidencePdfCliTestBase(db, accessLog)
{
    private static readonly StreamKey Key = new("account", "acc-000001");

    protected static readonly EvidenceRequester Ivy = new("sub-inv1", "Ivy Investigator", ["investigator"], "Art. 6(1)(c) GDPR", "CASE-7");

    internal async Task<(TestWorkspaceFactory Workspace, Guid CaseId)> PrepareAsync()
    {
        await SeedAsync(1_200);
        (await CliRun.RunAsync(PdfEnv, "ledger", "init")).Code.ShouldBe(ExitCodes.Ok); // the portal database: access log + workspace
        var workspace = new TestWorkspaceFactory(accessLog.WriterConnectionString);
        var caseId = Guid.NewGuid();
        await using var context = workspace.CreateDbContext();
        context.Cases.Add(new InvestigationCase
        {
            Id = caseId, Title = "Wash trades Q3", Purpose = "Art. 6(1)(c) GDPR", Reference = "CASE-7", Status = CaseStatus.Open,
            OwnerSubject = "sub-inv1", OwnerName = "Ivy Investigator", OpenedAt = DateTimeOffset.UtcNow,
        });
        await context.SaveChangesAsync();
        return (workspace, caseId);
    }

    protected async Task<EvidencePdfExport> ExportAsync(string accessLogConnection, Func<EvidencePdfExport, CancellationToken, Task> record)
    {
        var keys = Path.Combine(dir.FullName, "keys");
        using var signing = PdfTools.DevelopmentCertificate(keys);
        await using var ledger = NpgsqlDataSource.Create(db.ReaderConnectionString);
        var ledgerKey = CheckpointKeys.LoadPublic(keys, LedgerCommands.LedgerKeyName);
        var proofs = new ProofService(ledger, ledgerKey, TimeProvider.System)
        {
            Ed25519PublicKey = Ed25519CheckpointKey.PublicKeyFromPem(await File.ReadAllTextAsync(CheckpointKeys.Ed25519PublicPath(keys, LedgerCommands.LedgerKeyName))),
        };
        await using var accessLogData = NpgsqlDataSource.Create(AutoPrepare.Apply(accessLogConnection));
        await using var writer = new AccessLogWriter(accessLogData, TimeProvider.System, new AccessLogWriterOptions { Deployment = "demo" });
        var exporter = new EvidencePdfExporter(proofs, ledger, writer, accessLogData, AccessLogEvents.Origin("demo"), ledgerKey, signing, TimeProvider.System);
        return await exporter.ExportStreamAsync(Key, Ivy, record: record);
    }

}

public sealed class CaseExportRecordingTests(PostgresFixture db, AccessLogPostgresFixture accessLog) : CaseExportTestBase(db, accessLog)
{
    [Fact]
    public async Task ExportInACase_WritesTheRowAfterTheAccessLogEntry_AndTheHashLookupFindsIt()
    {
        var (workspace, caseId) = await PrepareAsync();
        var export = await ExportAsync(accessLog.WriterConnectionString, CaseExportRecording.Into(workspace, caseId, Ivy));

        EvidencePdfVerifier.Verify(export.Pdf, CheckpointKeys.LoadPublic(Path.Combine(dir.FullName, "keys"), LedgerCommands.LedgerKeyName)).Intact.ShouldBeTrue();
        var path = Path.Combine(dir.FullName, "case.pdf");
        await File.WriteAllBytesAsync(path, export.Pdf);
        var verify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", path, "--public-key", KeyPath);
        verify.Code.ShouldBe(ExitCodes.Ok, verify.Out);

        await using var context = workspace.CreateDbContext();
        var row = await context.EvidenceExports.SingleAsync();
        row.CaseId.ShouldBe(caseId);
        row.ExportId.ShouldBe(export.ExportId);
        row.ExportedBy.ShouldBe("sub-inv1");
        row.Scope.ShouldBe("stream account/acc-000001");
        row.PdfSha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(export.Pdf)));
        row.BundleSha256.ShouldBe(export.BundleSha256);
        row.EventCount.ShouldBeGreaterThan(0);
        row.CheckpointSize.ShouldBe(export.CheckpointSize);

        // The row names the evidence.export request entry, and the outcome entry came after the row.
        (await accessLog.ScalarAsync<string>($"SELECT payload::jsonb->>'kind' FROM ledger.events WHERE seq = {row.AccessLogSeq} AND action = 'query.requested'"))
            .ShouldBe(EvidencePdfExporter.Kind);
        (await accessLog.ScalarAsync<string>("SELECT action FROM ledger.events ORDER BY seq DESC LIMIT 1")).ShouldBe("query.completed");

        var byPdf = await EvidenceExportQueries.FindBySha256Async(context, export.PdfSha256);
        byPdf.ShouldNotBeNull();
        byPdf.CaseTitle.ShouldBe("Wash trades Q3");
        byPdf.MatchedPdf.ShouldBeTrue();
        (await EvidenceExportQueries.FindBySha256Async(context, export.BundleSha256))!.MatchedPdf.ShouldBeFalse();
        (await EvidenceExportQueries.FindBySha256Async(context, new string('0', 64))).ShouldBeNull();
    }

}

public sealed class CaseExportOutageTests(PostgresFixture db, AccessLogPostgresFixture accessLog) : CaseExportTestBase(db, accessLog)
{
    [Fact]
    public async Task AccessLogDown_NoRowAndNoFile()
    {
        var (workspace, caseId) = await PrepareAsync();
        var called = false;
        var record = CaseExportRecording.Into(workspace, caseId, Ivy);
        await Should.ThrowAsync<AccessLogUnavailableException>(() => ExportAsync(
            TestWorkspaceFactory.Unreachable, (e, ct) => { called = true; return record(e, ct); }));
        called.ShouldBeFalse();
        await using var context = workspace.CreateDbContext();
        (await context.EvidenceExports.CountAsync()).ShouldBe(0);
    }

}

public sealed class CaseExportRowFailureTests(PostgresFixture db, AccessLogPostgresFixture accessLog) : CaseExportTestBase(db, accessLog)
{
    [Fact]
    public async Task RowCannotBeWritten_ExportFailsAndIsLoggedAsFailed()
    {
        var (workspace, _) = await PrepareAsync();
        // A case that does not exist: the row's foreign key refuses it.
        await Should.ThrowAsync<DbUpdateException>(() => ExportAsync(accessLog.WriterConnectionString, CaseExportRecording.Into(workspace, Guid.NewGuid(), Ivy)));
        await using var context = workspace.CreateDbContext();
        (await context.EvidenceExports.CountAsync()).ShouldBe(0);
        (await accessLog.ScalarAsync<string>("SELECT action FROM ledger.events ORDER BY seq DESC LIMIT 1")).ShouldBe("query.failed");
    }
}

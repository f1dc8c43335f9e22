using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Evidence;
using AuditPortal.Tests.Evidence;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Verification.Evidence;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AuditPortal.Tests.Portal;

/// <summary>The verify page: a dropped evidence PDF gets its verdict; a changed one names the failing check; anything else is unreadable, not a crash.</summary>
public abstract class EvidenceVerifyPageTestBase : PortalComponentTest, IDisposable
{
    protected readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-verify-page-");
    internal readonly TestBundles ledger = new(30);

    /// <param name="workspace">The portal database the hash lookup reads (<see cref="TestWorkspaceFactory.Unreachable"/> for a workspace that is down).</param>
    protected EvidenceVerifyPageTestBase(string workspace)
    {
        var keyPath = Path.Combine(dir.FullName, "ledger.pem");
        File.WriteAllText(keyPath, ledger.Signer.PublicKey.ToPem());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:Ledger:CheckpointPublicKeyPath"] = keyPath }).Build();
        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(dir.FullName));
        Services.AddSingleton<CheckpointKeySource>();
        Services.AddSingleton(new RecordedExportLookup(new TestWorkspaceFactory(workspace)));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    void IDisposable.Dispose()
    {
        ledger.Dispose();
        dir.Delete(recursive: true);
    }

    protected async Task<IRenderedComponent<EvidenceVerifyPage>> UploadAsync(byte[] file, string name)
    {
        var cut = Render<EvidenceVerifyPage>();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(file, name));
        await Task.CompletedTask;
        cut.WaitForAssertion(() => cut.Find("[data-testid=recorded-export]"), TimeSpan.FromSeconds(30)); // the verdict, then the hash lookup
        return cut;
    }

    private sealed class TestHostEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "AuditPortal.Portal";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}

/// <summary>The offline checks, with the hash lookup's workspace down (the verdict stands, the page says the lookup failed).</summary>
public sealed class EvidenceVerifyPageTests() : EvidenceVerifyPageTestBase(TestWorkspaceFactory.Unreachable)
{

    [Fact]
    public async Task SignedPdf_IsIntactAgainstThePortalsKey()
    {
        var (path, _) = await TestEvidencePdf.WriteAsync(ledger, dir);
        var cut = await UploadAsync(await File.ReadAllBytesAsync(path), "report.pdf");
        cut.Find("[data-testid=verdict]").GetAttribute("data-intact").ShouldBe("true");
        cut.Find("[data-testid=verdict]").TextContent.ShouldContain("this portal's ledger key");
        // The hash lookup's workspace is down here: the verdict stands and the page says the lookup failed.
        cut.Find("[data-testid=recorded-export]").TextContent.ShouldContain("could not be looked up: the portal database is not reachable");
    }

    [Fact]
    public async Task ChangedPdf_NamesTheSignatureCheck()
    {
        var (path, _) = await TestEvidencePdf.WriteAsync(ledger, dir);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 3] ^= 0x04;
        var cut = await UploadAsync(bytes, "changed.pdf");
        cut.Find("[data-testid=verdict]").GetAttribute("data-intact").ShouldBe("false");
        cut.FindAll("[data-testid=finding]").Select(f => f.GetAttribute("data-check")).ShouldContain("pdf_signature");
    }

    [Fact]
    public async Task NotEvidence_IsUnreadableWithAReason()
    {
        var cut = await UploadAsync("hello\u202Eworld"u8.ToArray(), "notes.txt");
        cut.Find("[data-testid=verdict]").GetAttribute("data-intact").ShouldBe("false");
        cut.Find("[data-testid=verdict]").TextContent.ShouldContain("could not be checked");
    }

}

/// <summary>The hash lookup against a real workspace: a PDF this portal recorded names its date and case; another one is not recorded.</summary>
public sealed class EvidenceVerifyPageRecordedTests(AccessLogPostgresFixture db)
    : EvidenceVerifyPageTestBase(db.WriterConnectionString), IClassFixture<AccessLogPostgresFixture>
{
    [Fact]
    public async Task RecordedPdf_NamesDateAndCase_OtherFileIsNotRecorded()
    {
        await AuditPortal.Data.Workspace.WorkspaceMigrator.MigrateAsync(db.SuperuserConnectionString);
        var (path, bundle) = await TestEvidencePdf.WriteAsync(ledger, dir);
        var pdf = await File.ReadAllBytesAsync(path);
        var caseId = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 12, 4, 9, 30, 0, TimeSpan.Zero);
        await using (var context = new TestWorkspaceFactory(db.WriterConnectionString).CreateDbContext())
        {
            context.Cases.Add(new AuditPortal.Data.Workspace.InvestigationCase
            {
                Id = caseId, Title = "Wash trades Q3", Purpose = "Art. 6(1)(c) GDPR", Reference = "CASE-7", OwnerSubject = "sub-inv1", OwnerName = "Ivy Investigator", OpenedAt = at,
            });
            context.EvidenceExports.Add(new AuditPortal.Data.Workspace.EvidenceExportRecord
            {
                Id = Guid.NewGuid(), ExportId = "exp-test-0001", CaseId = caseId, ExportedBy = "sub-inv1", ExportedByName = "Ivy Investigator", ExportedAt = at,
                Scope = "stream account/acc-1", EventCount = 30, CheckpointSize = 30,
                PdfSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)),
                BundleSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bundle)), AccessLogSeq = 42,
            });
            await context.SaveChangesAsync();
        }

        var recorded = (await UploadAsync(pdf, "report.pdf")).Find("[data-testid=recorded-export]");
        recorded.GetAttribute("data-recorded").ShouldBe("true");
        recorded.TextContent.ShouldContain("This portal recorded this export on 2026-12-04 09:30 UTC in case Wash trades Q3 (CASE-7)");

        var bundleAnswer = (await UploadAsync(bundle, "bundle.json")).Find("[data-testid=recorded-export]");
        bundleAnswer.TextContent.ShouldContain("the bundle embedded in that PDF");

        var changed = pdf.ToArray();
        changed[changed.Length / 2] ^= 0x01;
        var other = (await UploadAsync(changed, "changed.pdf")).Find("[data-testid=recorded-export]");
        other.GetAttribute("data-recorded").ShouldBe("false");
        other.TextContent.ShouldContain("no record of exporting this file");
    }
}

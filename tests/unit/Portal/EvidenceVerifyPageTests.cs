using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Evidence;
using AuditPortal.Tests.Evidence;
using AuditPortal.Tests.Verification.Evidence;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AuditPortal.Tests.Portal;

/// <summary>The verify page: a dropped evidence PDF gets its verdict; a changed one names the failing check; anything else is unreadable, not a crash.</summary>
public sealed class EvidenceVerifyPageTests : PortalComponentTest, IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-verify-page-");
    private readonly TestBundles ledger = new(30);

    public EvidenceVerifyPageTests()
    {
        var keyPath = Path.Combine(dir.FullName, "ledger.pem");
        File.WriteAllText(keyPath, ledger.Signer.PublicKey.ToPem());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:Ledger:CheckpointPublicKeyPath"] = keyPath }).Build();
        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(dir.FullName));
        Services.AddSingleton<CheckpointKeySource>();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    void IDisposable.Dispose()
    {
        ledger.Dispose();
        dir.Delete(recursive: true);
    }

    private async Task<IRenderedComponent<EvidenceVerifyPage>> UploadAsync(byte[] file, string name)
    {
        var cut = Render<EvidenceVerifyPage>();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(file, name));
        await Task.CompletedTask;
        cut.WaitForAssertion(() => cut.Find("[data-testid=verdict]"), TimeSpan.FromSeconds(30));
        return cut;
    }

    [Fact]
    public async Task SignedPdf_IsIntactAgainstThePortalsKey()
    {
        var (path, _) = await TestEvidencePdf.WriteAsync(ledger, dir);
        var cut = await UploadAsync(await File.ReadAllBytesAsync(path), "report.pdf");
        cut.Find("[data-testid=verdict]").GetAttribute("data-intact").ShouldBe("true");
        cut.Find("[data-testid=verdict]").TextContent.ShouldContain("this portal's ledger key");
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

    private sealed class TestHostEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "AuditPortal.Portal";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}

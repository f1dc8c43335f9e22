using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AuditPortal.Evidence;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Tests.E2e.Portal;
using AuditPortal.Tests.E2e.Verification;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.E2e.AccessLogReview;

/// <summary>
/// <c>GET /access-log/export.pdf</c> in the real portal with the access log's own checkpoint key and the development
/// signing certificate: the PDF is signed (pdfsig), its embedded chain proof verifies offline against the access log's
/// key, it proves the export's own gateway entry, and holds access-log records only. Own databases: the checkpoints it
/// signs stay here.
/// </summary>
public sealed class AccessLogReviewPdfTests : IAsyncLifetime
{
    private readonly TamperableLedger ledger = new();
    private readonly DirectoryInfo keys = Directory.CreateTempSubdirectory("ap-review-pdf-");
    private readonly CheckpointSigner signer = CheckpointSigner.Generate();
    private GatewayPortalFactory portal = null!;

    /// <summary>The portal's settings: the access log's keys and the signing certificate <see cref="InitializeAsync"/> wrote to <c>keys</c>.</summary>
    private Dictionary<string, string?> Settings() => new()
        {
            ["Portal:Verification:Continuous"] = "false",
            ["Portal:AccessLog:CheckpointPrivateKeyPath"] = Path.Combine(keys.FullName, "access-log-checkpoint-private.pem"),
            ["Portal:AccessLog:CheckpointEd25519PrivateKeyPath"] = Path.Combine(keys.FullName, "access-log-checkpoint-ed25519-private.pem"),
            ["Portal:AccessLog:WitnessDirectory"] = Path.Combine(keys.FullName, "witness"),
            ["Portal:Evidence:SigningCertificatePath"] = Path.Combine(keys.FullName, EvidenceSigningCertificate.DevelopmentCertificateFile),
            ["Portal:Evidence:SigningKeyPath"] = Path.Combine(keys.FullName, EvidenceSigningCertificate.DevelopmentKeyFile),
        };

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(keys.FullName, "access-log-checkpoint-private.pem"), signer.ExportPrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(keys.FullName, "access-log-checkpoint-ed25519-private.pem"), signer.Ed25519!.ExportPrivateKeyPem());
        (await AuditPortal.Tests.E2e.Evidence.Poppler.RunAsync("bash", Path.Combine(DevOidcProcess.RepositoryRoot(), "scripts", "evidence-cert.sh"), keys.FullName)).Code.ShouldBe(0);
        await ledger.InitializeAsync();
        portal = new GatewayPortalFactory(ledger.Databases, Settings());
    }

    public async Task DisposeAsync()
    {
        await portal.DisposeAsync();
        await ledger.DisposeAsync();
        signer.Dispose();
        keys.Delete(recursive: true);
    }

    [Fact]
    public async Task Admin_GetsASignedPdfWhoseChainProofVerifies_AndProvesItsOwnEntry()
    {
        using (var investigator = portal.ClientFor("investigator", "inv-review"))
        {
            for (var i = 0; i < 3; i++)
                (await investigator.GetAsync("/api/streams/account/acc-000001/events?limit=2")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        using var admin = portal.ClientFor("admin", "admin-review");

        using var response = await admin.GetAsync(AuditPortal.Portal.PortalUrls.AccessLogExportPdf + "?user=inv-review");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var pdf = await response.Content.ReadAsByteArrayAsync();
        var path = Path.Combine(keys.FullName, "review.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        (await AuditPortal.Tests.E2e.Evidence.Poppler.RunAsync("pdfsig", path)).Output.ShouldContain("Signature Validation: Signature is Valid.");
        var report = EvidencePdfVerifier.Verify(pdf, signer.PublicKey);
        report.Findings.ShouldBeEmpty();
        report.Intact.ShouldBeTrue();

        var bundlePath = Path.Combine(keys.FullName, "review.json");
        (await AuditPortal.Tests.E2e.Evidence.Poppler.RunAsync("pdfdetach", "-save", "1", "-o", bundlePath, path)).Code.ShouldBe(0);
        var bundle = JsonDocument.Parse(await File.ReadAllBytesAsync(bundlePath)).RootElement;
        var records = bundle.GetProperty("entries").EnumerateArray().Select(e => JsonDocument.Parse(e.GetProperty("canonical").GetString()!).RootElement).ToList();
        // The investigator's 3 queries (request + outcome) and the admin's export request: access-log records only, never a ledger record.
        records.Count.ShouldBe(3 * 2 + 1);
        records.ShouldAllBe(r => r.GetProperty("stream_type").GetString() == "user");
        var export = records.Single(r => r.GetProperty("seq").GetInt64() == bundle.GetProperty("export_entry_seq").GetInt64());
        export.GetProperty("stream_id").GetString().ShouldBe("admin-review");
        export.GetProperty("payload").GetProperty("kind").GetString().ShouldBe("accesslog.export");
        bundle.GetProperty("filters").GetProperty("user").GetString().ShouldBe("inv-review");

        // The export's gateway entry got its outcome, naming every proved event. The entry page reads the portal
        // database's standby, which may not have replayed the entry (404) or its outcome yet: reload until it has (or the deadline).
        var entryUrl = AuditPortal.Portal.PortalUrls.AccessLogEntry(export.GetProperty("seq").GetInt64());
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        var page = "";
        while (!page.Contains("completed", StringComparison.OrdinalIgnoreCase) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            using var entry = await admin.GetAsync(entryUrl);
            if (entry.StatusCode != System.Net.HttpStatusCode.NotFound)
                page = await entry.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
            if (!page.Contains("completed", StringComparison.OrdinalIgnoreCase))
                await Task.Delay(100);
        }
        page.ShouldContain("accesslog.export");
        page.ShouldContain("completed", Case.Insensitive);
    }

    [Fact]
    public async Task BadFilterIs400_AccessLogDownIs503_AndNothingIsMade()
    {
        using var admin = portal.ClientFor("admin", "admin-review");
        (await admin.GetAsync(AuditPortal.Portal.PortalUrls.AccessLogExportPdf + "?from=nonsense")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var settings = Settings();
        settings["ConnectionStrings:AccessLog"] = "Host=127.0.0.1;Port=1;Username=x;Database=x;Timeout=1";
        await using var down = new GatewayPortalFactory(ledger.Databases, settings);
        using var client = down.ClientFor("admin", "admin-review");
        using var response = await client.GetAsync(AuditPortal.Portal.PortalUrls.AccessLogExportPdf);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType?.MediaType.ShouldNotBe("application/pdf");
        (await response.Content.ReadAsStringAsync()).ShouldContain("access log", Case.Insensitive);
    }
}

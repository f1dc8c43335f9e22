using System.Text.Json;
using AuditPortal.Evidence;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Tests.Verification.Evidence;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Evidence;

/// <summary>A signed evidence PDF of an in-memory ledger (<see cref="TestBundles"/>), signed with the development certificate.</summary>
internal static class TestEvidencePdf
{
    public static readonly EvidenceCustody Custody = new()
    {
        ExportId = "exp-test-0001",
        CaseReference = "CASE-7",
        Purpose = "Regulator request 2024/17",
        ExportedBy = "Ivy Investigator",
        ExportedAs = "investigator",
        ExportedAt = new DateTime(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc),
        PortalVersion = "test",
        AccessLogSeq = 42,
        AccessLogHash = new string('a', 64),
        AccessLogOrigin = "access-log/test",
    };

    /// <summary>Writes report.pdf into <paramref name="dir"/>; returns its path and the embedded bundle's bytes.</summary>
    public static async Task<(string Path, byte[] Bundle)> WriteAsync(TestBundles ledger, DirectoryInfo dir, EvidenceBundleV2? bundle = null)
    {
        bundle ??= ledger.BundleV2();
        var json = JsonSerializer.SerializeToUtf8Bytes(bundle, EvidencePdfExporter.BundleJson);
        using var cert = PdfTools.DevelopmentCertificate(Path.Combine(dir.FullName, "keys"));
        var report = EvidenceFile.Verify(json, ledger.Signer.PublicKey);
        var pdf = await EvidencePdfWriter.WriteAsync(new EvidencePdfInput(json, bundle, report, Custody, new MaskingPresenter(new HashSet<string>())), cert);
        var path = Path.Combine(dir.FullName, "report.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        return (path, json);
    }
}

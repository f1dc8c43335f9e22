using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuditPortal.Evidence;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Tests.Verification.Evidence;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Evidence;

/// <summary>An evidence PDF of an in-memory ledger, checked with the real tools: pdfsig, qpdf, pdfdetach, pdftotext.</summary>
public sealed class EvidencePdfTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-pdf-");
    private readonly TestBundles ledger = new(40);

    public void Dispose()
    {
        ledger.Dispose();
        dir.Delete(recursive: true);
    }

    internal Task<(string Path, byte[] Bundle)> WriteAsync(EvidenceBundleV2? bundle = null) => TestEvidencePdf.WriteAsync(ledger, dir, bundle);

    [Fact]
    public async Task Pdf_IsSignedValidCleanAndCarriesItsBundle()
    {
        var (path, json) = await WriteAsync();

        var sig = PdfTools.Run("pdfsig", path);
        sig.Output.ShouldContain("Signature Validation: Signature is Valid.");
        var check = PdfTools.Run("qpdf", "--check", path);
        check.Code.ShouldBe(0, check.Output);
        check.Output.ShouldContain("No syntax or stream encoding errors found");

        var detached = Path.Combine(dir.FullName, "bundle.json");
        PdfTools.Run("pdfdetach", "-save", "1", "-o", detached, path).Code.ShouldBe(0);
        (await File.ReadAllBytesAsync(detached)).ShouldBe(json);
        IndependentVerifier.Run(detached).Code.ShouldBe(0);

        var text = PdfTools.Run("pdftotext", "-layout", path, "-").Output;
        text.ShouldContain(Convert.ToHexStringLower(SHA256.HashData(json)));
        text.ShouldContain("Page 1 of");
        text.ShouldContain("exp-test-0001");

        var report = EvidencePdfVerifier.Verify(await File.ReadAllBytesAsync(path), ledger.Signer.PublicKey);
        report.Findings.ShouldBeEmpty();
        report.Intact.ShouldBeTrue();
    }

    [Fact]
    public async Task EveryPageContentAndTheBundle_AreCompressed()
    {
        var (path, json) = await WriteAsync();
        using var document = PdfSharp.Pdf.IO.PdfReader.Open(path, PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
        document.PageCount.ShouldBeGreaterThan(3);
        foreach (var page in document.Pages)
        {
            // The body (compressed as the page was finished) and the header and footer (compressed after them). Read
            // as stored: PDFsharp's page.Contents would decode them.
            var contents = page.Elements.GetArray("/Contents")!.Elements.Select(e => (PdfSharp.Pdf.PdfDictionary)((PdfSharp.Pdf.Advanced.PdfReference)e).Value).ToList();
            contents.Count.ShouldBe(2);
            contents.ShouldAllBe(c => c.Elements.GetName("/Filter") == "/FlateDecode");
        }
        var files = document.Internals.GetAllObjects().OfType<PdfSharp.Pdf.PdfDictionary>()
            .Where(d => d.Elements.GetName("/Type") == "/EmbeddedFile").ToList();
        files.Count.ShouldBe(1);
        files[0].Elements.GetName("/Filter").ShouldBe("/FlateDecode");
        files[0].Stream!.Length.ShouldBeLessThan(json.Length / 2);
        files[0].Stream!.UnfilteredValue.ShouldBe(json);
    }

    [Fact]
    public async Task EveryByteOfTheSignatureItself_Changed_IsInvalid()
    {
        var (path, _) = await WriteAsync();
        var pdf = await File.ReadAllBytesAsync(path);
        PdfSignatureCheck.Check(pdf).Problem.ShouldBeNull();
        var (start, end) = PdfTools.SignatureHex(pdf);
        (end - start).ShouldBeGreaterThan(1_000);
        var survivors = new List<int>();
        for (var at = start; at < end; at++)
        {
            var changed = (byte[])pdf.Clone();
            changed[at] = (byte)(changed[at] == (byte)'0' ? '8' : '0'); // another hex digit: the file still parses as before
            if (PdfSignatureCheck.Check(changed).Valid)
                survivors.Add(at - start);
        }
        survivors.ShouldBeEmpty($"changing these hex digits of the signature (of {end - start}) went unnoticed");
    }

    [Fact]
    public async Task BytesAcrossTheWholeFile_Flipped_AreInvalid()
    {
        var (path, _) = await WriteAsync();
        var pdf = await File.ReadAllBytesAsync(path);
        var survivors = new List<int>();
        for (var at = 1; at < pdf.Length; at += 37)
        {
            var changed = (byte[])pdf.Clone();
            changed[at] ^= 0x20;
            if (PdfSignatureCheck.Check(changed).Valid)
                survivors.Add(at);
        }
        survivors.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReplacedBundle_FailsNamingTheSignatureAndTheCoverHash()
    {
        var (path, _) = await WriteAsync();
        var forged = PdfSurgery.ReplaceBundle(await File.ReadAllBytesAsync(path), json => json.Replace("\\u0022n\\u0022:1", "\\u0022n\\u0022:9", StringComparison.Ordinal));
        var report = EvidencePdfVerifier.Verify(forged, ledger.Signer.PublicKey);
        report.Intact.ShouldBeFalse();
        var checks = report.Findings.Select(f => f.Check).ToList();
        checks.ShouldContain(EvidencePdfVerifier.SignatureCheck);
        checks.ShouldContain(EvidencePdfVerifier.HashCheck);
        checks.ShouldContain("leaf_hash"); // and the bundle itself no longer verifies
    }
}

using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using UglyToad.PdfPig.Tokens;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace AuditPortal.Evidence.Pdf;

/// <summary>The outcome of checking an evidence PDF offline: the PDF's own findings and the embedded bundle's report.</summary>
public sealed record EvidencePdfReport(
    IReadOnlyList<EvidenceFinding> PdfFindings,
    EvidenceReport? Bundle,
    PdfSignatureResult Signature,
    string? BundleSha256)
{
    /// <summary>Every finding: the PDF's (signature, attachment, cover hash), then the bundle's.</summary>
    public IReadOnlyList<EvidenceFinding> Findings => [.. PdfFindings, .. Bundle?.Findings ?? []];

    public bool Intact => Findings.Count == 0 && Bundle is not null;
}

/// <summary>
/// <c>auditportal evidence verify report.pdf</c> and the portal's verify page (docs/evidence-pdf.md, "Verifying"):
/// checks the PDF signature, extracts the embedded bundle, checks that its SHA-256 is the one printed on the (signed)
/// cover, and verifies the bundle offline. Each failure is a finding naming its check: <c>pdf_signature</c>,
/// <c>bundle_attachment</c>, <c>bundle_hash</c>, or the bundle's own (docs/ledger-format.md §8.6).
/// </summary>
public static partial class EvidencePdfVerifier
{
    public const string SignatureCheck = "pdf_signature";
    public const string AttachmentCheck = "bundle_attachment";
    public const string HashCheck = "bundle_hash";

    [GeneratedRegex("EmbeddedbundleSHA-256([0-9a-f]{64})")]
    private static partial Regex CoverHash();

    /// <summary>True when <paramref name="bytes"/> start like a PDF (<c>%PDF-</c>).</summary>
    public static bool LooksLikePdf(ReadOnlySpan<byte> bytes) => bytes.StartsWith("%PDF-"u8);

    /// <exception cref="FormatException">Not a PDF at all (no <c>%PDF-</c> header): nothing was checked.</exception>
    public static EvidencePdfReport Verify(byte[] pdf, CheckpointPublicKey? trustedKey = null)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        if (!LooksLikePdf(pdf))
            throw new FormatException("not a PDF: the file does not start with %PDF-");
        var findings = new List<EvidenceFinding>();
        var signature = PdfSignatureCheck.Check(pdf);
        if (signature.Problem is { } problem)
            findings.Add(new EvidenceFinding(SignatureCheck, null, "a signature over every byte but its own", "not so", problem));

        byte[]? bundle;
        string? coverHash;
        try
        {
            using var document = PigDocument.Open(pdf);
            bundle = Attachment(document, findings);
            var cover = string.Concat(document.GetPage(1).Text.Where(c => !char.IsWhiteSpace(c)));
            coverHash = CoverHash().Match(cover) is { Success: true } m ? m.Groups[1].Value : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A damaged file is a finding, next to what the signature check said, not "nothing checked".
            findings.Add(new EvidenceFinding(AttachmentCheck, null, "a readable PDF", "unreadable", "the PDF's structure cannot be read, so neither its bundle nor its cover: " + ex.Message));
            return new EvidencePdfReport(findings, null, signature, null);
        }
        if (bundle is null)
            return new EvidencePdfReport(findings, null, signature, null);

        var bundleHash = Convert.ToHexStringLower(SHA256.HashData(bundle));
        if (coverHash is null)
            findings.Add(new EvidenceFinding(HashCheck, null, bundleHash, "none", $"the cover does not state the bundle's hash (\"{EvidencePdfWriter.BundleHashLabel}\")"));
        else if (coverHash != bundleHash)
            findings.Add(new EvidenceFinding(HashCheck, null, coverHash, bundleHash, "the embedded bundle is not the one the signed cover names: its SHA-256 differs"));

        EvidenceReport? report = null;
        try
        {
            report = EvidenceFile.Verify(bundle, trustedKey);
        }
        catch (FormatException ex)
        {
            findings.Add(new EvidenceFinding(AttachmentCheck, null, "an evidence bundle", "unreadable", "the embedded file is not an evidence bundle: " + ex.Message));
        }
        return new EvidencePdfReport(findings, report, signature, bundleHash);
    }

    /// <summary>The one embedded file: named <see cref="BundleAttachment.FileName"/>, an associated file with <c>/AFRelationship /Data</c>.</summary>
    private static byte[]? Attachment(PigDocument document, List<EvidenceFinding> findings)
    {
        if (!document.Advanced.TryGetEmbeddedFiles(out var files) || files.Count == 0)
        {
            findings.Add(new EvidenceFinding(AttachmentCheck, null, BundleAttachment.FileName, "no embedded file", "the PDF carries no embedded evidence bundle"));
            return null;
        }
        if (files.Count != 1)
        {
            findings.Add(new EvidenceFinding(AttachmentCheck, null, "1 embedded file", $"{files.Count}", "an evidence PDF embeds exactly one file, its bundle"));
            return null;
        }
        var file = files[0];
        var relationship = AssociatedRelationship(document);
        if (file.Name != BundleAttachment.FileName || relationship != "Data")
        {
            findings.Add(new EvidenceFinding(AttachmentCheck, null, $"{BundleAttachment.FileName}, /AFRelationship /Data", $"{file.Name}, /AFRelationship {relationship ?? "none"}",
                "the embedded file is not the evidence bundle as the format names it"));
            return null;
        }
        return file.Bytes.ToArray();
    }

    /// <summary>The <c>/AFRelationship</c> of the catalog's one associated file (<c>/AF</c>), or null.</summary>
    private static string? AssociatedRelationship(PigDocument document)
    {
        IToken? Resolve(IToken? token) => token is IndirectReferenceToken reference ? document.Structure.GetObject(reference.Data).Data : token;
        if (!document.Structure.Catalog.CatalogDictionary.TryGet(NameToken.Create("AF"), out var af) || Resolve(af) is not ArrayToken { Length: 1 } array)
            return null;
        return Resolve(array.Data[0]) is DictionaryToken spec && spec.TryGet(NameToken.Create("AFRelationship"), out var r) && Resolve(r) is NameToken name
            ? name.Data
            : null;
    }
}

using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace AuditPortal.Evidence.Pdf;

/// <summary>
/// Embeds the JSON evidence bundle as the PDF's associated file (PDF 2.0 / PDF/A-3 style, docs/evidence-pdf.md):
/// a file specification named <see cref="FileName"/> in the catalog's <c>/Names /EmbeddedFiles</c> tree (what
/// <c>pdfdetach</c> lists) and in the catalog's <c>/AF</c> array, with <c>/AFRelationship /Data</c>, and an embedded
/// file stream of subtype <c>application/json</c>. The bytes are embedded exactly; their SHA-256 is on the cover.
/// </summary>
internal static class BundleAttachment
{
    public const string FileName = "evidence-bundle.json";
    public const string MimeType = "application/json";

    public static void Attach(PdfDocument document, byte[] bundleJson, DateTime exportedAt)
    {
        // Compressed before PDFsharp copies it (and keeps that copy until the document is gone): the document holds the
        // bundle once, a third of its size, besides the caller's bytes.
        document.AddEmbeddedFile(FileName, new MemoryStream(StreamCompression.Deflate(bundleJson), writable: false));
        var names = document.Internals.Catalog.Elements.GetDictionary("/Names")!.Elements.GetDictionary("/EmbeddedFiles")!.Elements.GetArray("/Names")!;
        var reference = (PdfReference)names.Elements[^1];
        var spec = (PdfDictionary)reference.Value;
        spec.Elements.SetString("/UF", FileName);
        spec.Elements.SetString("/Desc", "AuditPortal evidence bundle (docs/ledger-format.md §8.7): verify with 'auditportal evidence verify'");
        spec.Elements.SetName("/AFRelationship", "/Data");
        var file = (PdfDictionary)((PdfReference)spec.Elements.GetDictionary("/EF")!.Elements["/F"]!).Value;
        file.Elements.SetName("/Filter", "/FlateDecode");
        file.Elements.SetName("/Subtype", "/" + MimeType.Replace("/", "#2F", StringComparison.Ordinal));
        var parameters = file.Elements.GetDictionary("/Params") ?? new PdfDictionary(document);
        parameters.Elements.SetInteger("/Size", bundleJson.Length);
        parameters.Elements.SetString("/ModDate", PdfDate(exportedAt));
        file.Elements["/Params"] = parameters;
        var af = new PdfArray(document);
        af.Elements.Add(reference);
        document.Internals.Catalog.Elements["/AF"] = af;
    }

    private static string PdfDate(DateTime utc) => "D:" + utc.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "Z";
}

using System.IO.Compression;
using PdfSharp.Pdf;

namespace AuditPortal.Evidence.Pdf;

/// <summary>
/// Compresses the document's streams with the BCL's zlib just before it is saved. PDFsharp 6.2.4's own Flate encoder
/// leaves every stream without its final block (qpdf --check: "input stream is complete but output may still be
/// valid"), so the writer turns PDFsharp's compression off (<c>NoCompression</c>) and does it here, properly ended.
/// Streams made during saving (font subsets) stay uncompressed; they are small.
/// </summary>
internal static class StreamCompression
{
    /// <summary>Streams shorter than this are left as they are: compressing them saves nothing.</summary>
    private const int MinimumLength = 64;

    public static void CompressAll(PdfDocument document)
    {
        foreach (var item in document.Internals.GetAllObjects())
        {
            if (item is not PdfDictionary { Stream: { } stream } dictionary || dictionary.Elements.ContainsKey("/Filter"))
                continue;
            var raw = stream.Value;
            if (raw.Length < MinimumLength)
                continue;
            using var output = new MemoryStream(raw.Length / 3 + 64);
            using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
                zlib.Write(raw);
            stream.Value = output.ToArray();
            dictionary.Elements.SetName("/Filter", "/FlateDecode");
        }
    }
}

using System.IO.Compression;
using PdfSharp.Pdf;

namespace AuditPortal.Evidence.Pdf;

/// <summary>
/// Compresses the document's streams with the BCL's zlib. PDFsharp 6.2.4's own Flate encoder leaves every stream
/// without its final block (qpdf --check: "input stream is complete but output may still be valid"), so the writer
/// turns PDFsharp's compression off (<c>NoCompression</c>) and does it here, properly ended: each page's content as
/// soon as the page is drawn (<see cref="CompressPage"/>, so a document of thousands of pages never holds its
/// uncompressed text), the rest just before saving (<see cref="CompressAll"/>). Streams made during saving (font
/// subsets) stay uncompressed; they are small.
/// </summary>
internal static class StreamCompression
{
    /// <summary>Streams shorter than this are left as they are: compressing them saves nothing.</summary>
    private const int MinimumLength = 64;

    /// <summary>
    /// Compresses the content streams of a page whose drawing is finished. Safe to draw on the page again afterwards
    /// (the header and footer): PDFsharp appends a new content stream and leaves the existing ones as they are.
    /// </summary>
    public static void CompressPage(PdfPage page)
    {
        foreach (var content in page.Contents)
            Compress(content);
    }

    public static void CompressAll(PdfDocument document)
    {
        foreach (var item in document.Internals.GetAllObjects())
        {
            if (item is PdfDictionary dictionary)
                Compress(dictionary);
        }
    }

    /// <summary>The value of a <c>/FlateDecode</c> stream holding <paramref name="raw"/>: zlib, properly ended.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> raw)
    {
        using var output = new MemoryStream(raw.Length / 3 + 64);
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
            zlib.Write(raw);
        return output.ToArray();
    }

    private static void Compress(PdfDictionary dictionary)
    {
        if (dictionary.Stream is not { } stream || dictionary.Elements.ContainsKey("/Filter"))
            return;
        var raw = stream.Value;
        if (raw.Length < MinimumLength)
            return;
        stream.Value = Deflate(raw);
        dictionary.Elements.SetName("/Filter", "/FlateDecode");
    }
}

using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace AuditPortal.Tests.Evidence;

/// <summary>What a forger would do to an evidence PDF: swap the embedded bundle for an edited one and save the file again.</summary>
internal static class PdfSurgery
{
    /// <summary>An edit of an indented bundle: the first event's stated leaf hash gets another first digit.</summary>
    public static string ChangeFirstLeafHash(string json)
    {
        const string member = "\"leaf_hash\": \"";
        var at = json.IndexOf(member, StringComparison.Ordinal) + member.Length;
        return json[..at] + (json[at] == '0' ? '1' : '0') + json[(at + 1)..];
    }

    public static byte[] ReplaceBundle(byte[] pdf, Func<string, string> edit)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Modify);
        document.Options.NoCompression = true;
        var replaced = 0;
        foreach (var item in document.Internals.GetAllObjects())
        {
            if (item is PdfDictionary { Stream: { } stream } dictionary && dictionary.Elements.GetName("/Type") == "/EmbeddedFile")
            {
                var json = Encoding.UTF8.GetString(stream.UnfilteredValue);
                var edited = edit(json);
                if (edited == json)
                    throw new InvalidOperationException("the edit changed nothing");
                dictionary.Elements.Remove("/Filter");
                stream.Value = Encoding.UTF8.GetBytes(edited);
                replaced++;
            }
        }
        if (replaced != 1)
            throw new InvalidOperationException($"found {replaced} embedded files, want 1");
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }
}

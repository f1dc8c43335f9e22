using System.Globalization;
using System.Text;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>
/// The default witness (docs/ledger-format.md §6): a directory outside the ledger database holding
/// <c>&lt;size&gt;.txt</c> (checkpoint text), <c>&lt;size&gt;.sig</c> (DER ECDSA signature) and, for format 2,
/// <c>&lt;size&gt;.note</c> (the C2SP signed note) per checkpoint.
/// Files are created exclusively and never rewritten, so the witness remembers a head the ledger lost.
/// </summary>
public sealed class WitnessDirectory(string path)
{
    public string Path { get; } = path;

    public static string FileStem(long size) => size.ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>Records a checkpoint. Recording the same checkpoint again is a no-op; a different one of the same size is an error.</summary>
    public void Record(SignedCheckpoint signed)
    {
        Directory.CreateDirectory(Path);
        var stem = System.IO.Path.Combine(Path, FileStem(signed.Checkpoint.Size));
        var text = signed.Checkpoint.ToBytes();
        if (File.Exists(stem + ".txt"))
        {
            if (!File.ReadAllBytes(stem + ".txt").AsSpan().SequenceEqual(text))
                throw new InvalidOperationException(
                    $"the witness already holds a different checkpoint of size {signed.Checkpoint.Size}: refusing to rewrite history");
            return;
        }
        // Signatures first: a reader only considers sizes whose .txt exists, and .txt appears last.
        WriteExclusive(stem + ".sig", signed.Signature);
        if (signed.Note is not null)
            WriteExclusive(stem + ".note", Encoding.UTF8.GetBytes(signed.Note));
        WriteExclusive(stem + ".txt", text);
    }

    /// <summary>Reads every complete witness entry, ordered by size.</summary>
    public IReadOnlyList<WitnessEntry> ReadAll()
    {
        if (!Directory.Exists(Path))
            return [];
        var entries = new List<WitnessEntry>();
        foreach (var txt in Directory.EnumerateFiles(Path, "*.txt"))
        {
            var sig = System.IO.Path.ChangeExtension(txt, ".sig");
            var name = System.IO.Path.GetFileName(txt);
            try
            {
                var checkpoint = Checkpoint.Parse(Encoding.UTF8.GetString(File.ReadAllBytes(txt)));
                var signature = File.Exists(sig) ? File.ReadAllBytes(sig) : [];
                var note = System.IO.Path.ChangeExtension(txt, ".note");
                var noteText = File.Exists(note) ? Encoding.UTF8.GetString(File.ReadAllBytes(note)) : null;
                entries.Add(new WitnessEntry(name, new SignedCheckpoint(checkpoint, signature, noteText), null));
            }
            catch (FormatException ex)
            {
                entries.Add(new WitnessEntry(name, null, ex.Message));
            }
        }
        return entries.OrderBy(e => e.Signed?.Checkpoint.Size ?? long.MaxValue).ThenBy(e => e.FileName, StringComparer.Ordinal).ToList();
    }

    private static void WriteExclusive(string file, byte[] bytes)
    {
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>One witness file pair; <see cref="Error"/> is set when the text could not be parsed.</summary>
public sealed record WitnessEntry(string FileName, SignedCheckpoint? Signed, string? Error);

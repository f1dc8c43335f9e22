using System.Buffers.Binary;
using System.Text;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>One signature line of a signed note: key name, 4-byte key id and the signature bytes.</summary>
public sealed record NoteSignature(string KeyName, uint KeyId, byte[] Signature);

/// <summary>
/// A C2SP signed note (docs/ledger-format.md §5.2): the text, an empty line, then one
/// <c>— &lt;name&gt; &lt;base64(key id ‖ signature)&gt;</c> line per signature.
/// </summary>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures)
{
    private const string LinePrefix = "\u2014 ";

    public override string ToString()
    {
        var note = new StringBuilder(Text).Append('\n');
        foreach (var s in Signatures)
        {
            var blob = new byte[4 + s.Signature.Length];
            BinaryPrimitives.WriteUInt32BigEndian(blob, s.KeyId);
            s.Signature.CopyTo(blob, 4);
            note.Append(LinePrefix).Append(s.KeyName).Append(' ').Append(Convert.ToBase64String(blob)).Append('\n');
        }
        return note.ToString();
    }

    /// <summary>Parses a signed note strictly (C2SP signed-note "Format").</summary>
    public static SignedNote Parse(string note)
    {
        if (note.Any(c => c < 0x20 && c != '\n'))
            throw new FormatException("a signed note has no control characters other than LF");
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
            throw new FormatException("a signed note has an empty line between its text and its signatures");
        var text = note[..(split + 1)];
        var lines = note[(split + 2)..];
        if (lines.Length == 0 || lines[^1] != '\n')
            throw new FormatException("a signed note ends with at least one signature line, each ending in LF");
        var signatures = new List<NoteSignature>();
        foreach (var line in lines[..^1].Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != "\u2014" || parts[1].Length == 0 || parts[1].Contains('+', StringComparison.Ordinal))
                throw new FormatException($"a signature line is '— <key name> <base64>', got '{line}'");
            var blob = StrictBase64.TryDecode(parts[2], out var problem)
                ?? throw new FormatException($"signature of key '{parts[1]}' is not strict base64 (§1): {problem}");
            if (blob.Length < 5)
                throw new FormatException($"signature of key '{parts[1]}' is not the base64 of a key id and a signature");
            signatures.Add(new NoteSignature(parts[1], BinaryPrimitives.ReadUInt32BigEndian(blob), blob[4..]));
        }
        return new SignedNote(text, signatures);
    }

    /// <summary>The signature by <paramref name="key"/> (same key name and key id), if the note has one.</summary>
    public NoteSignature? SignatureBy(NoteVerifierKey key) =>
        Signatures.FirstOrDefault(s => s.KeyName == key.Name && s.KeyId == key.KeyId);

    /// <summary>True when the note carries a signature by <paramref name="key"/> and it verifies.</summary>
    public bool IsSignedBy(NoteVerifierKey key) =>
        SignatureBy(key) is { } s && key.Verifies(Encoding.UTF8.GetBytes(Text), s.Signature);
}

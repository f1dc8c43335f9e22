using System.Globalization;
using System.Text;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>
/// A commitment to the first <see cref="Size"/> events: the tree head at that size and, from format
/// version 2 on, the stream-head commitment (docs/ledger-format.md §5). A checkpoint without
/// <see cref="StreamHeads"/> is a version 1 checkpoint (§5.4), read but no longer written.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash, DateTime Time, StreamHeadCommitment? StreamHeads = null)
{
    /// <summary>First line of a version 1 checkpoint.</summary>
    public const string Header = "auditportal-checkpoint/v1";

    private const string StreamHeadsPrefix = "stream-heads ";
    private const string TimePrefix = "time ";

    public int Version => StreamHeads is null ? 1 : 2;

    /// <summary>The exact text that is signed, LF line endings including the last line.</summary>
    public string ToText()
    {
        if (CheckpointOrigin.Problem(Origin) is { } problem)
            throw new InvalidOperationException(problem);
        if (StreamHeads is not { } heads)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{Header}\norigin {Origin}\nsize {Size}\nroot {HashHex.ToHex(RootHash)}\ntime {LedgerTime.ToText(Time)}\n");
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{Origin}\n{Size}\n{Convert.ToBase64String(RootHash)}\n{StreamHeadsPrefix}{heads.Count} {Convert.ToBase64String(heads.Root)}\n{TimePrefix}{LedgerTime.ToText(Time)}\n");
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToText());

    /// <summary>Parses checkpoint text of either version strictly: any deviation from the exact form is an error, not a guess.</summary>
    public static Checkpoint Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length != 6 || lines[5].Length != 0)
            throw new FormatException("checkpoint text has 5 lines, each ending in LF");
        var checkpoint = lines[0] == Header ? ParseVersion1(lines) : ParseVersion2(lines);
        if (checkpoint.ToText() != text)
            throw new FormatException("checkpoint text is not in canonical form");
        return checkpoint;
    }

    private static Checkpoint ParseVersion1(string[] lines)
    {
        var origin = CheckOrigin(Field(lines[1], "origin"));
        var size = ParseSize(Field(lines[2], "size"), "size");
        var root = HashHex.Parse(Field(lines[3], "root"));
        return new Checkpoint(origin, size, root, ParseTime(Field(lines[4], "time")));
    }

    private static Checkpoint ParseVersion2(string[] lines)
    {
        var origin = CheckOrigin(lines[0]);
        var size = ParseSize(lines[1], "size");
        var root = ParseBase64Hash(lines[2], "root");
        var heads = Field(lines[3], "stream-heads").Split(' ');
        if (heads.Length != 2)
            throw new FormatException($"checkpoint line: got '{lines[3]}', want 'stream-heads <count> <base64 root>'");
        var commitment = new StreamHeadCommitment(ParseSize(heads[0], "stream-heads count"), ParseBase64Hash(heads[1], "stream-heads root"));
        return new Checkpoint(origin, size, root, ParseTime(Field(lines[4], "time")), commitment);
    }

    private static string CheckOrigin(string origin) =>
        CheckpointOrigin.Problem(origin) is { } problem ? throw new FormatException(problem) : origin;

    private static long ParseSize(string text, string name)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || text != value.ToString(CultureInfo.InvariantCulture))
            throw new FormatException($"checkpoint {name} is a decimal integer without leading zeros, got '{text}'");
        return value;
    }

    private static byte[] ParseBase64Hash(string text, string name)
    {
        var bytes = StrictBase64.TryDecode(text, out var problem)
            ?? throw new FormatException($"checkpoint {name} is strict base64 (§1): {problem}");
        if (bytes.Length != HashHex.HashSize)
            throw new FormatException($"checkpoint {name} is the 44-character base64 of 32 bytes, got '{text}'");
        return bytes;
    }

    private static DateTime ParseTime(string text)
    {
        try { return LedgerTime.Parse(text); }
        catch (FormatException) { throw new FormatException($"checkpoint time is {LedgerTime.Format}, got '{text}'"); }
    }

    private static string Field(string line, string name)
    {
        var prefix = name + " ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal) || line.Length == prefix.Length)
            throw new FormatException($"checkpoint line: got '{line}', want '{name} <value>'");
        return line[prefix.Length..];
    }
}

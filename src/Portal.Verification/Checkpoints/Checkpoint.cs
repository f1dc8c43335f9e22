using System.Globalization;
using System.Text;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>A commitment to the first <see cref="Size"/> events: the tree head at that size (docs/ledger-format.md §5).</summary>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash, DateTime Time)
{
    public const string Header = "auditportal-checkpoint/v1";

    /// <summary>The exact text that is signed, LF line endings including the last line.</summary>
    public string ToText()
    {
        if (CheckpointOrigin.Problem(Origin) is { } problem)
            throw new InvalidOperationException(problem);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Header}\norigin {Origin}\nsize {Size}\nroot {HashHex.ToHex(RootHash)}\ntime {LedgerTime.ToText(Time)}\n");
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToText());

    /// <summary>Parses checkpoint text strictly: any deviation from the exact form is an error, not a guess.</summary>
    public static Checkpoint Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length != 6 || lines[5].Length != 0)
            throw new FormatException("checkpoint text has 5 lines, each ending in LF");
        if (lines[0] != Header)
            throw new FormatException($"checkpoint header: got '{lines[0]}', want '{Header}'");
        var origin = Field(lines[1], "origin");
        if (CheckpointOrigin.Problem(origin) is { } originProblem)
            throw new FormatException(originProblem);
        var sizeText = Field(lines[2], "size");
        if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || sizeText != size.ToString(CultureInfo.InvariantCulture))
            throw new FormatException($"checkpoint size is a decimal integer without leading zeros, got '{sizeText}'");
        var root = HashHex.Parse(Field(lines[3], "root"));
        DateTime time;
        try { time = LedgerTime.Parse(Field(lines[4], "time")); }
        catch (FormatException) { throw new FormatException($"checkpoint time is {LedgerTime.Format}, got '{lines[4]}'"); }
        var checkpoint = new Checkpoint(origin, size, root, time);
        if (checkpoint.ToText() != text)
            throw new FormatException("checkpoint text is not in canonical form");
        return checkpoint;
    }

    private static string Field(string line, string name)
    {
        var prefix = name + " ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal) || line.Length == prefix.Length)
            throw new FormatException($"checkpoint line: got '{line}', want '{name} <value>'");
        return line[prefix.Length..];
    }
}

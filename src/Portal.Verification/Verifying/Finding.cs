using System.Globalization;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// One thing a verifier found: what, where (global seq, stream, stream seq; checkpoint findings use
/// the checkpoint size as <see cref="Seq"/>), and what was expected versus what is there, as
/// concrete values (hex hashes, sequence numbers).
/// </summary>
public sealed record Finding(
    FindingKind Kind,
    long? Seq,
    StreamKey? Stream,
    long? StreamSeq,
    string Expected,
    string Actual,
    string Message)
{
    /// <summary>The order reports list findings in: by seq, then by <see cref="FindingKind"/>; stable otherwise.</summary>
    public static IReadOnlyList<Finding> InReportOrder(IEnumerable<Finding> findings) =>
        findings.OrderBy(f => f.Seq ?? long.MaxValue).ThenBy(f => f.Kind).ToList();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind} at seq {Seq?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(Stream is { } s ? $" ({s} #{StreamSeq})" : "")}: {Message} (expected {Expected}, actual {Actual})");
}

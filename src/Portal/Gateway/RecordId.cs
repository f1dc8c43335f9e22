using System.Globalization;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// The ids of the ledger records a query's answer contains (<see cref="QueryAnswer{T}.RecordIds"/>): one spelling per
/// kind of record, so that a page and the re-run of "what did they see" (docs/access-log-review.md) name the same record
/// the same way and their digests can match.
/// </summary>
public static class RecordId
{
    /// <summary>An event: its id as a lowercase UUID.</summary>
    public static string Event(Guid eventId) => eventId.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>A stream (a proof of the stream as a whole).</summary>
    public static string Stream(StreamKey stream) => $"stream:{stream.Type}/{stream.Id}";

    /// <summary>A signed checkpoint a page showed (the badge's, the proof's, the dashboard's, the checkpoint table's).</summary>
    public static string Checkpoint(long size) => "checkpoint:" + size.ToString(CultureInfo.InvariantCulture);

    /// <summary>A leaf of the ledger's tree by its position (an inclusion proof's leaf).</summary>
    public static string Seq(long seq) => "seq:" + seq.ToString(CultureInfo.InvariantCulture);
}

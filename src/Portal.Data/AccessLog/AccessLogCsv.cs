using System.Globalization;
using System.Text;
using AuditPortal.Verification.Canonical;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.AccessLog;

/// <summary>
/// The review export's CSV (RFC 4180, UTF-8, CRLF): one row per logged query with its outcome, chain position and
/// hashes. A cell that a spreadsheet would take for a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>,
/// tab or CR) is prefixed with <c>'</c>: parameters and names are written by users. The portal's review export and
/// <c>auditportal access-log export</c> both write it.
/// </summary>
public static class AccessLogCsv
{
    public static readonly string[] Header =
    [
        "seq", "requested_at", "subject_id", "display_name", "roles", "kind", "parameters", "purpose", "case", "client_address",
        "ledger_size", "outcome", "completed_at", "duration_ms", "row_count", "record_digest", "stream_seq", "hash", "prev_hash",
    ];

    public static void WriteHeader(StringBuilder csv) => WriteRow(csv, Header);

    public static void WriteRow(StringBuilder csv, AccessLogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var c = item.Completion;
        WriteRow(csv,
        [
            Number(item.Seq), Time(item.RequestedAt), item.SubjectId, item.DisplayName, string.Join(' ', item.Roles), item.Kind,
            Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(item.Parameters.ToJsonString())), item.Purpose, item.CaseReference, item.ClientAddress,
            item.LedgerSize is { } size ? Number(size) : null,
            c is null ? "pending" : AccessLogEvents.NameOf(c.Outcome), c is null ? null : Time(c.CompletedAt), c is null ? null : Number(c.DurationMs),
            c?.RowCount is { } rows ? Number(rows) : null, c?.RecordDigest, Number(item.StreamSeq), HashHex.ToHex(item.Hash), HashHex.ToHex(item.PrevHash),
        ]);
    }

    private static void WriteRow(StringBuilder csv, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
                csv.Append(',');
            csv.Append(Cell(cells[i]));
        }
        csv.Append("\r\n");
    }

    /// <summary>One cell: quoted when it holds a comma, quote or line break; neutralized when it looks like a formula.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

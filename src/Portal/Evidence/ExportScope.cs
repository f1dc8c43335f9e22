using System.Globalization;
using AuditPortal.Data.Proofs;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Portal.Evidence;

/// <summary>
/// What an export from a case covers: a whole stream, or a time window of it on business time (occurred at, UTC,
/// from inclusive, to exclusive). The dialog, the preview, the job and the access log all use this one value.
/// </summary>
public sealed record ExportScope(StreamKey Stream, StreamWindow? Window)
{
    /// <summary>As the case's export list and the access log's scope name it (the engine's <c>Scope</c> text).</summary>
    public override string ToString() => Window is null ? $"stream {Stream}" : $"stream {Stream} {Window}";

    /// <summary>
    /// Reads the dialog's window fields (ISO 8601 instants; a time without an offset is UTC). Both empty: the whole stream.
    /// Null and a problem fit for the user when the text is not a window.
    /// </summary>
    public static ExportScope? Parse(StreamKey stream, string? from, string? to, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(from) && string.IsNullOrWhiteSpace(to))
            return new ExportScope(stream, null);
        if (!TryInstant(from, out var f))
            problem = "The window's start is not a date and time (e.g. 2026-01-31T09:00:00Z).";
        else if (!TryInstant(to, out var t))
            problem = "The window's end is not a date and time (e.g. 2026-02-28T18:00:00Z).";
        else if (t <= f)
            problem = "The window must end after it starts.";
        else
            return new ExportScope(stream, new StreamWindow(f, t));
        return null;
    }

    private static bool TryInstant(string? text, out DateTime instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
            return false;
        if (!DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return false;
        instant = parsed.UtcDateTime;
        return parsed.Year is >= 1 and <= 9998;
    }

    /// <summary>The text a window field shows for <paramref name="instant"/>.</summary>
    public static string Text(DateTimeOffset instant) => LedgerTime.ToText(instant.UtcDateTime);
}

using System.Globalization;
using AuditPortal.Data.Proofs;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Portal.Evidence;

/// <summary>What an export spans: one stream (whole or a window), or events of several streams (an evidence set).</summary>
public enum ExportScopeKind
{
    Stream,

    /// <summary>The active case's starred events, as they are when the preview or the job runs.</summary>
    Starred,

    /// <summary>An output and every input it was derived from, recursively.</summary>
    Lineage,
}

/// <summary>
/// What an export from a case covers: a whole stream, a time window of it on business time (occurred at, UTC,
/// from inclusive, to exclusive), the case's starred events, or an output with its lineage closure (the last two span
/// several streams: docs/evidence-pdf.md, "Scopes"). The dialog, the preview, the job and the access log all use this one value.
/// </summary>
/// <param name="Stream">The stream of a <see cref="ExportScopeKind.Stream"/> scope; the default (empty) key otherwise.</param>
public sealed record ExportScope(StreamKey Stream, StreamWindow? Window)
{
    public ExportScopeKind Kind { get; private init; } = ExportScopeKind.Stream;

    /// <summary>The output of a <see cref="ExportScopeKind.Lineage"/> scope.</summary>
    public Guid? Output { get; private init; }

    /// <summary>The active case's starred events.</summary>
    public static ExportScope Starred { get; } = new(default, null) { Kind = ExportScopeKind.Starred };

    /// <summary><paramref name="output"/> (an event id) with its lineage closure.</summary>
    public static ExportScope LineageOf(Guid output) => new(default, null) { Kind = ExportScopeKind.Lineage, Output = output };

    /// <summary>True for the scopes that span several streams: the PDF embeds an evidence set (docs/ledger-format.md §8.8).</summary>
    public bool IsSet => Kind != ExportScopeKind.Stream;

    /// <summary>As the case's export list and the access log's scope name it (the engine's <c>Scope</c> text).</summary>
    public override string ToString() => Kind switch
    {
        ExportScopeKind.Starred => "starred events",
        ExportScopeKind.Lineage => $"lineage of {Output:D}",
        _ => Window is null ? $"stream {Stream}" : $"stream {Stream} {Window}",
    };

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

using System.Globalization;
using AuditPortal.Data.Requests;
using AuditPortal.Data.Timeline;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Portal.Timeline;

/// <summary>
/// Reads query-string and route values strictly: a parameter given twice, a value with control,
/// format (bidi override, zero-width) or unpaired surrogate characters, a malformed number or date,
/// or a value out of range becomes a <see cref="Problems"/> entry naming the parameter. Pages turn
/// problems into a 400 page before any query runs; nothing here throws.
/// </summary>
public sealed class StrictQuery(IQueryCollection query)
{
    private readonly List<string> problems = [];

    public IReadOnlyList<string> Problems => problems;

    public bool IsValid => problems.Count == 0;

    public void Add(string problem) => problems.Add(problem);

    /// <summary>The value, trimmed; null when absent or empty.</summary>
    public string? Text(string name, int maxLength = LedgerName.MaxLength)
    {
        if (Single(name) is not { } raw)
            return null;
        var value = raw.Trim();
        if (value.Length == 0)
            return null;
        return CheckText(name, value, maxLength) ? value : null;
    }

    /// <summary>A route value (stream type or id): required, and a name by <see cref="LedgerName"/>'s rule.</summary>
    public string Name(string name, string? value)
    {
        if (LedgerName.Problem(name, value) is { } problem)
        {
            problems.Add(problem);
            return "";
        }
        return value!;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        if (Single(name) is not { Length: > 0 } raw)
            return fallback;
        if (RequestInteger.Check(name, raw, min, max, out int value) is { } problem)
        {
            problems.Add(problem);
            return fallback;
        }
        return value;
    }

    /// <summary>An ISO 8601 instant with offset or Z (a date alone is midnight UTC), within 1900..9999.</summary>
    public DateTimeOffset? Instant(string name)
    {
        if (Single(name) is not { } raw || string.IsNullOrWhiteSpace(raw))
            return null;
        if (!CheckText(name, raw, 40))
            return null;
        try
        {
            return TimeWindow.ParseInstant(name, raw);
        }
        catch (QueryValidationException ex)
        {
            problems.Add(ex.Reason);
            return null;
        }
    }

    /// <summary>One of <paramref name="choices"/> (exact, lowercase); the first is the default.</summary>
    public T Choice<T>(string name, params (string Text, T Value)[] choices)
    {
        if (Single(name) is not { Length: > 0 } raw)
            return choices[0].Value;
        foreach (var (text, value) in choices)
        {
            if (string.Equals(text, raw, StringComparison.Ordinal))
                return value;
        }
        problems.Add($"{name}: one of {string.Join(", ", choices.Select(c => c.Text))}");
        return choices[0].Value;
    }

    /// <summary>One of <paramref name="choices"/> as <see cref="Choice{T}"/>, or null when the parameter is not given (a default that depends on other parameters).</summary>
    public T? OptionalChoice<T>(string name, params (string Text, T Value)[] choices) where T : struct =>
        Single(name) is { Length: > 0 } ? Choice(name, choices) : null;

    /// <summary>
    /// The trail of page cursors (<see cref="PageTrail"/>): dot-separated base64url cursors, at most
    /// <see cref="PageTrail.MaxDepth"/>. The data layer checks each cursor's content.
    /// </summary>
    public PageTrail Trail(string name)
    {
        if (Single(name) is not { Length: > 0 } raw)
            return PageTrail.First;
        if (PageTrail.TryParse(raw, out var trail))
            return trail;
        problems.Add($"{name}: malformed page trail; start again from the first page");
        return PageTrail.First;
    }

    private string? Single(string name)
    {
        if (!query.TryGetValue(name, out StringValues values) || values.Count == 0)
            return null;
        if (values.Count > 1)
        {
            problems.Add($"{name}: given {values.Count.ToString(CultureInfo.InvariantCulture)} times; give it once");
            return null;
        }
        return values[0];
    }

    private bool CheckText(string name, string value, int maxLength)
    {
        if (LedgerName.TextProblem(name, value, maxLength) is not { } problem)
            return true;
        problems.Add(problem);
        return false;
    }
}

/// <summary>
/// The cursors that led to the current page (page 2's cursor first). The data layer gives keyset
/// cursors forward only; carrying the trail in the URL makes "previous" a plain, stable link (drop
/// the last cursor) and every page shareable. Depth is bounded so URLs stay bounded.
/// </summary>
public sealed record PageTrail(IReadOnlyList<string> Cursors)
{
    public const int MaxDepth = 50;
    private const int MaxCursorLength = 512;

    public static PageTrail First { get; } = new([]);

    /// <summary>The cursor of the current page (null on the first page).</summary>
    public string? Current => Cursors.Count == 0 ? null : Cursors[^1];

    /// <summary>1-based page number.</summary>
    public int PageNumber => Cursors.Count + 1;

    public PageTrail? Previous => Cursors.Count == 0 ? null : new PageTrail(Cursors.Take(Cursors.Count - 1).ToList());

    /// <summary>The trail of the next page, or null when there is none (or the trail would be too deep: then "next" restarts nothing).</summary>
    public PageTrail? Next(string? nextCursor) =>
        nextCursor is null || Cursors.Count >= MaxDepth ? null : new PageTrail([.. Cursors, nextCursor]);

    public override string ToString() => string.Join('.', Cursors);

    public static bool TryParse(string text, out PageTrail trail)
    {
        trail = First;
        var parts = text.Split('.');
        if (parts.Length > MaxDepth)
            return false;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > MaxCursorLength || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                return false;
        }
        trail = new PageTrail(parts);
        return true;
    }

    public bool Equals(PageTrail? other) => other is not null && Cursors.SequenceEqual(other.Cursors, StringComparer.Ordinal);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}

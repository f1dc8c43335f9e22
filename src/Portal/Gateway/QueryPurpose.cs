namespace AuditPortal.Portal.Gateway;

/// <summary>
/// Why a query runs, as the caller stated it; written to the access-log entry of that query. Also the one
/// rule for every text a user states for the record — case titles and purposes, unmask reasons, labels,
/// comments, view names (<see cref="Problem"/>): trimmed, within its length, and free of control characters
/// and of the invisible characters that reorder text (bidi controls), so what the log shows is what was typed.
/// </summary>
public sealed record QueryPurpose
{
    /// <summary>Shortest reason accepted for unmasking personal data.</summary>
    public const int MinimumReasonLength = 10;

    /// <summary>Longest purpose text kept (the access log is not a document store).</summary>
    public const int MaximumLength = 1000;

    /// <summary>The rules of an unmask reason, as the grant dialog shows them.</summary>
    public static IReadOnlyList<string> ReasonRules { get; } =
    [
        $"Say why you need to see this person's data, for this case: {MinimumReasonLength} to {MaximumLength} characters.",
        "Words, not only digits or punctuation.",
        "No control characters and no invisible text-direction characters.",
        "The reason is written to the access log with your name; the people who review it will read it.",
    ];

    private QueryPurpose(string text) => Text = text;

    public string Text { get; }

    /// <summary>A stated purpose (e.g. a case's legal basis).</summary>
    public static bool TryStated(string? text, out QueryPurpose? purpose, out string? problem) =>
        TryCreate(text, "The purpose", 1, out purpose, out problem);

    /// <summary>An unmask reason: <see cref="ReasonRules"/>.</summary>
    public static bool TryReason(string? text, out QueryPurpose? purpose, out string? problem)
    {
        if (!TryCreate(text, "The reason", MinimumReasonLength, out purpose, out problem))
            return false;
        if (purpose!.Text.Count(char.IsLetter) < 3)
        {
            (purpose, problem) = (null, "The reason must say why in words, not only digits or punctuation.");
            return false;
        }
        return true;
    }

    private static bool TryCreate(string? text, string what, int minimumLength, out QueryPurpose? purpose, out string? problem)
    {
        purpose = null;
        problem = Problem(text, what, minimumLength, MaximumLength);
        if (problem is not null)
            return false;
        purpose = new QueryPurpose(text!.Trim());
        return true;
    }

    /// <summary>
    /// The one text rule: null when <paramref name="text"/>, trimmed, has <paramref name="minimumLength"/> to
    /// <paramref name="maximumLength"/> characters (0 minimum: may be empty) and no control character other than
    /// line breaks and tabs, and no bidi control; otherwise the problem, naming <paramref name="what"/>.
    /// </summary>
    public static string? Problem(string? text, string what, int minimumLength, int maximumLength)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length < minimumLength)
            return minimumLength <= 1 ? $"{what} is required." : $"{what} must have at least {minimumLength} characters.";
        if (trimmed.Length > maximumLength)
            return $"{what} may be at most {maximumLength} characters long.";
        if (trimmed.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            return $"{what} contains control characters.";
        if (trimmed.Any(IsBidiControl))
            return $"{what} contains invisible text-direction characters.";
        return null;
    }

    /// <summary>U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: they make text read differently from how it is stored.</summary>
    private static bool IsBidiControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}

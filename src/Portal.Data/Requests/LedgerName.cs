using System.Globalization;
using System.Text;
using AuditPortal.Data.Timeline;

namespace AuditPortal.Data.Requests;

/// <summary>
/// The one rule for a name a request gives — a stream type or id, an actor, an action — wherever it
/// arrives (query string, route, form, JSON API, verification run start) and wherever it is checked
/// again before SQL (the data layer's requests), and the one way to show a name that is already stored.
/// </summary>
/// <remarks>
/// A name is 1 to <see cref="MaxLength"/> UTF-16 code units of plain text: no control characters
/// (NUL is refused by PostgreSQL; newlines and escapes break logs and layouts), no format characters
/// (category Cf: bidi overrides such as U+202E that make <c>a\u202Eb/c</c> display as another name,
/// zero-width spaces and joiners that make two different names look alike), no line or paragraph
/// separators, no unpaired surrogates (not encodable as UTF-8). Letters of every script, spaces and
/// punctuation are fine. Free text (the payload search <c>q</c>) follows the same character rule with
/// its own length (<see cref="IsPlainText"/>).
/// </remarks>
public static class LedgerName
{
    public const int MaxLength = 200;

    /// <summary>Longest shown name before it is cut with "…" (<see cref="ForDisplay"/>).</summary>
    public const int DisplayLength = 80;

    /// <summary>Why <paramref name="value"/> is not a name (the message starts with <paramref name="parameter"/>), or null when it is one.</summary>
    public static string? Problem(string parameter, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return $"{parameter}: required, 1 to {MaxLength} characters";
        return TextProblem(parameter, value, MaxLength);
    }

    /// <summary>The same character rule for free text (e.g. the payload search) of its own maximum length.</summary>
    public static string? TextProblem(string parameter, string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > maxLength)
            return string.Create(CultureInfo.InvariantCulture, $"{parameter}: at most {maxLength} characters, got {value.Length}");
        if (!IsPlainText(value))
            return $"{parameter}: must not contain control, format (bidi override, zero-width) or separator characters, or unpaired surrogates";
        return null;
    }

    /// <summary>Throws <see cref="QueryValidationException"/> unless <paramref name="value"/> is null (not given) or a name.</summary>
    public static void Check(string parameter, string? value)
    {
        if (value is not null && Problem(parameter, value) is { } problem)
            throw new QueryValidationException(parameter, problem);
    }

    /// <summary>No control, format or line/paragraph separator characters and no unpaired surrogates.</summary>
    public static bool IsPlainText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if (IsHidden(CharUnicodeInfo.GetUnicodeCategory(value, i)))
                    return false; // format characters outside the BMP (tag characters U+E0000…)
                i++;
            }
            else if (char.IsSurrogate(c) || IsHidden(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A stored string (a name from the run registry, a finding, the ledger) as it may be shown: every
    /// character <see cref="IsPlainText"/> refuses becomes a visible <c>[U+XXXX]</c> (so <c>a\u202Eb/c</c> shows
    /// as <c>a[U+202E]b/c</c>, not spoofed), and anything past <paramref name="maxLength"/> characters is cut with
    /// "… (N characters)" — a 10,000-character name cannot widen a table. The result is plain text; markup
    /// escaping stays the renderer's job.
    /// </summary>
    public static string ForDisplay(string? value, int maxLength = DisplayLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (string.IsNullOrEmpty(value))
            return "";
        if (value.Length <= maxLength && IsPlainText(value))
            return value;
        var shown = new StringBuilder(maxLength + 24);
        var visible = 0;
        var i = 0;
        for (; i < value.Length && visible < maxLength; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var code = char.ConvertToUtf32(c, value[i + 1]);
                if (IsHidden(CharUnicodeInfo.GetUnicodeCategory(value, i)))
                    shown.Append(string.Create(CultureInfo.InvariantCulture, $"[U+{code:X4}]"));
                else
                    shown.Append(c).Append(value[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c) || IsHidden(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                shown.Append(string.Create(CultureInfo.InvariantCulture, $"[U+{(int)c:X4}]"));
            }
            else
            {
                shown.Append(c);
            }
            visible++;
        }
        if (i < value.Length)
            shown.Append(string.Create(CultureInfo.InvariantCulture, $"… ({value.Length} characters)"));
        return shown.ToString();
    }

    private static bool IsHidden(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}

using System.Globalization;
using System.Text;

namespace AuditPortal.Evidence.Pdf;

/// <summary>
/// Makes ledger text safe to print: control characters, bidi overrides and other invisible format characters
/// (which could reorder or hide what a reader sees) and lone surrogates are printed as visible <c>\u{…}</c> escapes.
/// The bundle keeps the exact text; the page shows every character there is.
/// </summary>
public static class PrintableText
{
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? clean = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var hidden = !pair && (char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format);
            if (hidden)
            {
                clean ??= new StringBuilder(text, 0, i, text.Length + 16);
                clean.Append(CultureInfo.InvariantCulture, $"\\u{{{(int)c:X4}}}");
                continue;
            }
            clean?.Append(c);
            if (pair)
            {
                clean?.Append(text[i + 1]);
                i++;
            }
        }
        return clean?.ToString() ?? text;
    }
}

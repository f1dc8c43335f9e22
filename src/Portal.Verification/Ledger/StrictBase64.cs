namespace AuditPortal.Verification.Ledger;

/// <summary>
/// Base64 as the format writes it (docs/ledger-format.md §1): RFC 4648 §4, standard alphabet, no white
/// space or line breaks, length a multiple of four, and canonical, so one byte string has one text: the
/// padding is the least needed and the unused bits of the last character are zero.
/// </summary>
public static class StrictBase64
{
    /// <summary>Decodes <paramref name="text"/>; null with <paramref name="problem"/> set when it is not strict base64.</summary>
    public static byte[]? TryDecode(string text, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length % 4 != 0)
        {
            problem = $"got {text.Length} characters, want a multiple of 4 (padded with '=')";
            return null;
        }
        var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        for (var i = 0; i < text.Length - padding; i++)
        {
            if (!IsAlphabet(text[i]))
            {
                problem = $"got '{Printable(text[i])}' at position {i}, want only A-Z a-z 0-9 + / and '=' padding at the end";
                return null;
            }
        }
        var bytes = Convert.FromBase64String(text);
        if (Convert.ToBase64String(bytes) != text)
        {
            problem = "got non-zero unused bits in the last character, want the canonical encoding";
            return null;
        }
        problem = "";
        return bytes;
    }

    private static bool IsAlphabet(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/';

    private static string Printable(char c) => c < 0x20 || c == 0x7f ? $"U+{(int)c:X4}" : c.ToString();
}

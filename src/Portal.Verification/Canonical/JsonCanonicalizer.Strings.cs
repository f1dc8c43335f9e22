using System.Buffers;

namespace AuditPortal.Verification.Canonical;

public static partial class JsonCanonicalizer
{
    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    // Characters RFC 8785 writes as themselves in one byte: printable ASCII and DEL, except " and \.
    private static readonly SearchValues<char> VerbatimAscii = SearchValues.Create(
        Enumerable.Range(0x20, 0x60).Select(c => (char)c).Where(c => c is not ('"' or '\\')).ToArray());

    // Identifiers, timestamps-as-text and most payload keys are plain ASCII: copy them with one
    // vectorised scan and one widening copy instead of the per-character loop and surrogate check.
    private static bool TryWriteVerbatimAscii(Span<byte> destination, ReadOnlySpan<char> value, out int written)
    {
        written = 0;
        if (value.ContainsAnyExcept(VerbatimAscii))
            return false;
        destination[0] = (byte)'"';
        System.Text.Ascii.FromUtf16(value, destination[1..], out var copied);
        destination[1 + copied] = (byte)'"';
        written = copied + 2;
        return true;
    }

    /// <summary>The most bytes <see cref="WriteString"/> writes for a string of <paramref name="length"/> UTF-16 code units.</summary>
    public static int GetMaxStringByteCount(int length) => checked(2 + (6 * length));

    /// <summary>
    /// Writes <paramref name="value"/> as an RFC 8785 string literal, quotes included, UTF-8 encoded:
    /// <c>\"</c> <c>\\</c> <c>\b</c> <c>\f</c> <c>\n</c> <c>\r</c> <c>\t</c>, other code points below
    /// U+0020 as <c>\u00xx</c> (lowercase hex), everything else literal.
    /// </summary>
    /// <remarks>For the fast record writer: no allocation beyond what <paramref name="output"/> hands out.</remarks>
    /// <exception cref="ArgumentException"><paramref name="value"/> holds a lone surrogate (not Unicode text).</exception>
    public static void WriteString(IBufferWriter<byte> output, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(GetMaxStringByteCount(value.Length));
        if (TryWriteVerbatimAscii(span, value, out var plain))
        {
            output.Advance(plain);
            return;
        }

        int lone = IndexOfLoneSurrogate(value);
        if (lone >= 0)
        {
            throw new ArgumentException($"lone surrogate U+{(int)value[lone]:X4} at position {lone} is not Unicode text", nameof(value));
        }

        output.Advance(WriteValidatedString(span, value));
    }

    /// <summary>
    /// Writes <paramref name="value"/> as an RFC 8785 string literal (see
    /// <see cref="WriteString(IBufferWriter{byte}, ReadOnlySpan{char})"/>) to <paramref name="destination"/>
    /// and returns the number of bytes written.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A lone surrogate, or <paramref name="destination"/> is shorter than
    /// <see cref="GetMaxStringByteCount"/>(<paramref name="value"/>.Length).
    /// </exception>
    public static int WriteString(Span<byte> destination, ReadOnlySpan<char> value)
    {
        int needed = GetMaxStringByteCount(value.Length);
        if (destination.Length < needed)
        {
            throw new ArgumentException($"destination is {destination.Length} bytes, want at least {needed}", nameof(destination));
        }

        if (TryWriteVerbatimAscii(destination, value, out var plain))
        {
            return plain;
        }

        int lone = IndexOfLoneSurrogate(value);
        if (lone >= 0)
        {
            throw new ArgumentException($"lone surrogate U+{(int)value[lone]:X4} at position {lone} is not Unicode text", nameof(value));
        }

        return WriteValidatedString(destination, value);
    }

    /// <summary>Returns the index of the first unpaired surrogate in <paramref name="value"/>, or -1.</summary>
    internal static int IndexOfLoneSurrogate(ReadOnlySpan<char> value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }

    // Destination holds at least GetMaxStringByteCount(value.Length) bytes; value has no lone surrogate.
    private static int WriteValidatedString(Span<byte> destination, ReadOnlySpan<char> value)
    {
        int p = 0;
        destination[p++] = (byte)'"';
        for (int i = 0; i < value.Length; i++)
        {
            int c = value[i];
            if (c < 0x80)
            {
                if (c >= 0x20 && c != '"' && c != '\\')
                {
                    destination[p++] = (byte)c;
                    continue;
                }

                destination[p++] = (byte)'\\';
                switch (c)
                {
                    case '"': destination[p++] = (byte)'"'; break;
                    case '\\': destination[p++] = (byte)'\\'; break;
                    case '\b': destination[p++] = (byte)'b'; break;
                    case '\f': destination[p++] = (byte)'f'; break;
                    case '\n': destination[p++] = (byte)'n'; break;
                    case '\r': destination[p++] = (byte)'r'; break;
                    case '\t': destination[p++] = (byte)'t'; break;
                    default:
                        destination[p++] = (byte)'u';
                        destination[p++] = (byte)'0';
                        destination[p++] = (byte)'0';
                        destination[p++] = HexDigits[c >> 4];
                        destination[p++] = HexDigits[c & 0xF];
                        break;
                }
            }
            else if (c < 0x800)
            {
                destination[p++] = (byte)(0xC0 | (c >> 6));
                destination[p++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (char.IsHighSurrogate((char)c))
            {
                int codePoint = char.ConvertToUtf32((char)c, value[++i]);
                destination[p++] = (byte)(0xF0 | (codePoint >> 18));
                destination[p++] = (byte)(0x80 | ((codePoint >> 12) & 0x3F));
                destination[p++] = (byte)(0x80 | ((codePoint >> 6) & 0x3F));
                destination[p++] = (byte)(0x80 | (codePoint & 0x3F));
            }
            else
            {
                destination[p++] = (byte)(0xE0 | (c >> 12));
                destination[p++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                destination[p++] = (byte)(0x80 | (c & 0x3F));
            }
        }

        destination[p++] = (byte)'"';
        return p;
    }
}

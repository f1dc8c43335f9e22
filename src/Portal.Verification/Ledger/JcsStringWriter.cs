using System.Buffers;
using System.Text;

namespace AuditPortal.Verification.Ledger;

/// <summary>
/// Writes a JSON string literal exactly as RFC 8785 §3.2.2.2 requires: only <c>"</c>, <c>\</c> and
/// control characters are escaped; everything else is literal UTF-8.
/// </summary>
internal static class JcsStringWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Write(IBufferWriter<byte> output, string value)
    {
        // Worst case per char: 6 bytes (\u00xx) or 3 bytes of UTF-8.
        var span = output.GetSpan(value.Length * 6 + 2);
        var n = 0;
        span[n++] = (byte)'"';
        var runStart = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80)
                continue;
            if (c >= 0x80)
                continue; // part of a non-ASCII run, encoded below in one go
            n += EncodeRun(value.AsSpan(runStart, i - runStart), span[n..]);
            n += WriteEscape(c, span[n..]);
            runStart = i + 1;
        }
        n += EncodeRun(value.AsSpan(runStart), span[n..]);
        span[n++] = (byte)'"';
        output.Advance(n);
    }

    private static int EncodeRun(ReadOnlySpan<char> run, Span<byte> destination)
    {
        if (run.IsEmpty)
            return 0;
        // Throws on lone surrogates, which RFC 8785 forbids rather than replacing silently.
        return StrictUtf8.GetBytes(run, destination);
    }

    private static int WriteEscape(char c, Span<byte> d)
    {
        d[0] = (byte)'\\';
        switch (c)
        {
            case '"': d[1] = (byte)'"'; return 2;
            case '\\': d[1] = (byte)'\\'; return 2;
            case '\b': d[1] = (byte)'b'; return 2;
            case '\f': d[1] = (byte)'f'; return 2;
            case '\n': d[1] = (byte)'n'; return 2;
            case '\r': d[1] = (byte)'r'; return 2;
            case '\t': d[1] = (byte)'t'; return 2;
            default:
                d[1] = (byte)'u';
                d[2] = (byte)'0';
                d[3] = (byte)'0';
                d[4] = (byte)"0123456789abcdef"[c >> 4];
                d[5] = (byte)"0123456789abcdef"[c & 0xF];
                return 6;
        }
    }
}

namespace AuditPortal.Data.Demo;

/// <summary>
/// Fixed-point amounts as decimal strings (never JSON numbers): money in cents, prices and
/// per-share rates in 1/10,000. Culture-free by construction: digits, '-' and '.' only.
/// </summary>
internal static class DemoMoney
{
    public const int PriceScale = 10_000;

    public static string Cents(long cents) => Fixed(cents, 2);

    public static string Price(long tenThousandths) => Fixed(tenThousandths, 4);

    public static string Fixed(long units, int decimals)
    {
        Span<char> buffer = stackalloc char[24];
        var pos = buffer.Length;
        var negative = units < 0;
        var value = negative ? (ulong)(-units) : (ulong)units;
        for (var i = 0; i < decimals; i++)
        {
            buffer[--pos] = (char)('0' + (int)(value % 10));
            value /= 10;
        }
        if (decimals > 0) buffer[--pos] = '.';
        do
        {
            buffer[--pos] = (char)('0' + (int)(value % 10));
            value /= 10;
        } while (value != 0);
        if (negative) buffer[--pos] = '-';
        return new string(buffer[pos..]);
    }

    public static string Integer(long value) => Fixed(value, 0);

    /// <summary>Parses what <see cref="Fixed"/> wrote back to units (tests and cross-checks).</summary>
    public static long Parse(string text, int decimals)
    {
        var negative = text.StartsWith('-');
        long units = 0;
        var fraction = -1;
        for (var i = negative ? 1 : 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.') { fraction = 0; continue; }
            units = units * 10 + (c - '0');
            if (fraction >= 0) fraction++;
        }
        for (var f = Math.Max(fraction, 0); f < decimals; f++) units *= 10;
        return negative ? -units : units;
    }
}

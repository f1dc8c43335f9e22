using System.Globalization;

namespace AuditPortal.Data.Requests;

/// <summary>
/// The one rule for a whole number that arrives in a request (query string, form, route, header,
/// cursor): ASCII digits only, no sign, no exponent, no separators, within the caller's range — and
/// never above <see cref="MaxSafe"/> = 2^53 − 1, the largest integer the access log's canonical JSON
/// (RFC 8785, IEEE 754 doubles) can carry exactly. A larger number would pass a <c>long</c> parse and
/// then make the access-log append fail, turning a typo into a 503 "Access log unavailable"; checked
/// here, it is a 400 naming the parameter before anything is logged or read.
/// </summary>
public static class RequestInteger
{
    /// <summary>2^53 − 1 (JavaScript's <c>Number.MAX_SAFE_INTEGER</c>).</summary>
    public const long MaxSafe = 9_007_199_254_740_991;

    /// <summary>Digits of <see cref="MaxSafe"/>: anything longer is out of range without parsing.</summary>
    private const int MaxDigits = 16;

    /// <summary>
    /// Parses <paramref name="text"/> as a whole number in [<paramref name="min"/>, <paramref name="max"/>].
    /// Returns null and the value, or the problem ("<c>name: a whole number from min to max, not '…'</c>")
    /// with <paramref name="value"/> = 0. The rejected text is echoed bounded and made harmless (<see cref="LedgerName.ForDisplay"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range itself is empty, negative or beyond <see cref="MaxSafe"/> (a programming error).</exception>
    public static string? Check(string name, string? text, long min, long max, out long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(min);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, MaxSafe);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(min, max);
        value = 0;
        if (string.IsNullOrEmpty(text))
            return $"{name}: required, a whole number from {Number(min)} to {Number(max)}";
        if (text.Length > MaxDigits || !text.All(char.IsAsciiDigit)
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
            return $"{name}: a whole number from {Number(min)} to {Number(max)}, not '{LedgerName.ForDisplay(text, 40)}'";
        value = parsed;
        return null;
    }

    /// <summary><see cref="Check"/> for an <c>int</c> range (page sizes, limits, ordinals).</summary>
    public static string? Check(string name, string? text, int min, int max, out int value)
    {
        var problem = Check(name, text, (long)min, max, out long wide);
        value = (int)wide;
        return problem;
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}

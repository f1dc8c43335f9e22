using System.Globalization;

namespace AuditPortal.Verification.Canonical;

/// <summary>
/// Serializes a double as ECMAScript's Number.prototype.toString does (ECMA-262 Number::toString,
/// the rule RFC 8785 §3.2.2.3 prescribes): the shortest digit string that round-trips, written in plain
/// notation for exponents in (-7, 21] and as d.ddde±x outside it.
/// </summary>
public static class EcmaScriptNumber
{
    private const double MaxExactInteger = 9007199254740992d; // 2^53

    /// <summary>Returns the ECMAScript serialization of <paramref name="value"/>; -0 gives "0".</summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN or ±Infinity, which JSON cannot represent.</exception>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "NaN and Infinity have no JSON representation (RFC 8785 §3.2.2.3)");
        }

        if (value == 0)
        {
            return "0"; // both +0 and -0
        }

        if (Math.Abs(value) <= MaxExactInteger && Math.Floor(value) == value)
        {
            // Integers below 2^53: the digits are exact and ECMAScript writes them plainly.
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        // .NET Core 3.0+ "R" yields the shortest round-trip digits, the closest such to the value,
        // which is the digit string s of ECMA-262 Number::toString. Only the layout differs.
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = shortest[0] == '-';
        ReadOnlySpan<char> text = negative ? shortest.AsSpan(1) : shortest.AsSpan();

        int exponent = 0;
        int e = text.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        int dot = text.IndexOf('.');
        string digits = dot >= 0 ? string.Concat(text[..dot], text[(dot + 1)..]) : text.ToString();
        int pointPosition = dot >= 0 ? dot : text.Length;

        // value = 0.digits × 10^(pointPosition + exponent); normalize so digits has no leading/trailing zeros.
        int leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..].TrimEnd('0');
        int k = digits.Length;
        int n = pointPosition - leading + exponent; // value = digits × 10^(n − k)

        var result = new System.Text.StringBuilder(32);
        if (negative)
        {
            result.Append('-');
        }

        if (k <= n && n <= 21)
        {
            result.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            result.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            result.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            int e10 = n - 1;
            result.Append(digits[0]);
            if (k > 1)
            {
                result.Append('.').Append(digits, 1, k - 1);
            }

            result.Append('e').Append(e10 < 0 ? '-' : '+').Append(Math.Abs(e10).ToString(CultureInfo.InvariantCulture));
        }

        return result.ToString();
    }
}

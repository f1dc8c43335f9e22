using AuditPortal.Data.Demo;

namespace AuditPortal.Data.Rules;

/// <summary>
/// Amounts as the ledger's payloads hold them: decimal strings with a fixed number of decimals (money 2, prices
/// and per-share rates 4, quantities 0; docs/demo-domain.md "Conventions"). Strict: anything else is a
/// <see cref="RuleInputException"/>. Written by <see cref="DemoMoney"/>, the one formatter of these strings.
/// </summary>
internal static class FixedPoint
{
    /// <summary>"-12.50" with 2 decimals → -1250. Exactly <paramref name="decimals"/> fraction digits (none and no dot when 0).</summary>
    public static long Parse(string text, int decimals, string what)
    {
        var span = text.AsSpan();
        var negative = span.StartsWith("-");
        if (negative) span = span[1..];
        var dot = span.IndexOf('.');
        var whole = dot < 0 ? span : span[..dot];
        var fraction = dot < 0 ? [] : span[(dot + 1)..];
        if (whole.Length is 0 or > 15 || fraction.Length != decimals || (decimals == 0 && dot >= 0)
            || (whole.Length > 1 && whole[0] == '0'))
            throw new RuleInputException($"{what} '{Shorten(text)}' is not an amount with {decimals} decimals");
        long units = 0;
        foreach (var c in whole) units = Digit(units, c, text, what);
        foreach (var c in fraction) units = Digit(units, c, text, what);
        return negative ? -units : units;
    }

    public static string Cents(long cents) => DemoMoney.Cents(cents);

    public static string Price(long tenThousandths) => DemoMoney.Price(tenThousandths);

    private static long Digit(long units, char c, string text, string what) =>
        c is >= '0' and <= '9' ? units * 10 + (c - '0') : throw new RuleInputException($"{what} '{Shorten(text)}' is not an amount");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

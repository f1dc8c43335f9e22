using System.Globalization;

namespace AuditPortal.Verification.Ledger;

/// <summary>The one timestamp form of the format: UTC, exactly six fractional digits, trailing Z.</summary>
public static class LedgerTime
{
    public const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'";

    /// <summary>Length in bytes of every formatted timestamp.</summary>
    public const int Length = 27;

    /// <summary>Drops sub-microsecond ticks (PostgreSQL stores microseconds) and converts to UTC.</summary>
    public static DateTime Truncate(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }

    public static string ToText(DateTime utc) => utc.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Writes <see cref="Format"/> as UTF-8; returns <see cref="Length"/>.</summary>
    /// <remarks>
    /// Hand-rolled because it runs twice per row in the verifier's hot loop (a custom format string
    /// costs about a microsecond); tests check it against <see cref="ToText"/>.
    /// </remarks>
    public static int WriteUtf8(DateTime utc, Span<byte> destination)
    {
        if (destination.Length < Length)
            throw new ArgumentException("destination too small for a timestamp", nameof(destination));
        var (year, month, day) = utc;
        var ticksOfDay = utc.Ticks % TimeSpan.TicksPerDay;
        var seconds = (int)(ticksOfDay / TimeSpan.TicksPerSecond);
        var micros = (int)(ticksOfDay % TimeSpan.TicksPerSecond / 10);
        Digits(destination[..4], year);
        destination[4] = (byte)'-';
        Digits(destination.Slice(5, 2), month);
        destination[7] = (byte)'-';
        Digits(destination.Slice(8, 2), day);
        destination[10] = (byte)'T';
        Digits(destination.Slice(11, 2), seconds / 3600);
        destination[13] = (byte)':';
        Digits(destination.Slice(14, 2), seconds / 60 % 60);
        destination[16] = (byte)':';
        Digits(destination.Slice(17, 2), seconds % 60);
        destination[19] = (byte)'.';
        Digits(destination.Slice(20, 6), micros);
        destination[26] = (byte)'Z';
        return Length;
    }

    private static void Digits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    public static DateTime Parse(string text) =>
        DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}

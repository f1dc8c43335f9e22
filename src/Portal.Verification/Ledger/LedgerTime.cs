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

    public static int WriteUtf8(DateTime utc, Span<byte> destination)
    {
        if (!utc.TryFormat(destination, out var written, Format, CultureInfo.InvariantCulture))
            throw new ArgumentException("destination too small for a timestamp", nameof(destination));
        return written;
    }

    public static DateTime Parse(string text) =>
        DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}

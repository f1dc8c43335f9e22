using System.Globalization;

namespace AuditPortal.Data.Timeline;

/// <summary>Which of the two times of an event a window or an order refers to.</summary>
public enum TimeAxis
{
    /// <summary>Business time: <c>occurred_at</c>, as given by the source.</summary>
    Business,

    /// <summary>System time: <c>recorded_at</c>, when the ledger recorded the event.</summary>
    System,
}

/// <summary>
/// A half-open window [<see cref="From"/>, <see cref="To"/>) on one time axis; either end may be open.
/// </summary>
public sealed record TimeWindow(TimeAxis Axis, DateTimeOffset? From, DateTimeOffset? To)
{
    /// <summary>Earliest instant accepted anywhere (PostgreSQL goes further; nothing in a ledger does).</summary>
    public static readonly DateTimeOffset MinInstant = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Latest instant accepted anywhere.</summary>
    public static readonly DateTimeOffset MaxInstant = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    internal void Validate(string parameter)
    {
        if (!Enum.IsDefined(Axis))
            throw new QueryValidationException(parameter, $"{parameter}: unknown time axis");
        CheckInstant(parameter + ".from", From);
        CheckInstant(parameter + ".to", To);
        if (From is { } f && To is { } t && f >= t)
            throw new QueryValidationException(parameter,
                $"{parameter}: 'from' ({Format(f)}) must be before 'to' ({Format(t)})");
    }

    internal string Column => Axis == TimeAxis.Business ? "occurred_at" : "recorded_at";

    internal static void CheckInstant(string parameter, DateTimeOffset? value)
    {
        if (value is { } v && (v < MinInstant || v > MaxInstant))
            throw new QueryValidationException(parameter,
                $"{parameter}: {Format(v)} is outside the supported range {Format(MinInstant)} to {Format(MaxInstant)}");
    }

    /// <summary>
    /// Parses an instant as a page receives it (ISO 8601 with an offset or Z, e.g.
    /// <c>2024-03-01T09:30:00Z</c>); a date alone means midnight UTC. Null or empty gives null.
    /// </summary>
    /// <exception cref="QueryValidationException">The text is not such an instant.</exception>
    public static DateTimeOffset? ParseInstant(string parameter, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (text.Length > 40
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            throw new QueryValidationException(parameter, $"{parameter}: not an ISO 8601 instant (e.g. 2024-03-01T09:30:00Z)");
        CheckInstant(parameter, value);
        return value;
    }

    internal static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

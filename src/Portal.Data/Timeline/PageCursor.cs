using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using AuditPortal.Data.Requests;

namespace AuditPortal.Data.Timeline;

/// <summary>
/// Opaque keyset cursors: base64url of a JSON array of strings whose first element names the query
/// kind and version (e.g. <c>["tl1","StreamSeq","asc","42","42"]</c>). Safe in URLs; anything that
/// does not decode to the expected shape is a <see cref="QueryValidationException"/>, never a
/// database error.
/// </summary>
internal static class PageCursor
{
    private const int MaxLength = 512;

    public static string Encode(params string[] parts) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(parts));

    /// <summary>The parts after the kind tag; throws when the cursor is not a <paramref name="kind"/> cursor of <paramref name="count"/> parts.</summary>
    public static string[] Decode(string cursor, string kind, int count)
    {
        string[]? parts = null;
        if (cursor.Length <= MaxLength)
        {
            try
            {
                parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor));
            }
            catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
            {
                parts = null;
            }
        }
        if (parts is null || parts.Length != count + 1 || parts[0] != kind || parts.Any(p => p is null))
            throw Invalid();
        return parts[1..];
    }

    /// <summary>A sequence number in a cursor, by the request integer rule (<see cref="RequestInteger"/>).</summary>
    public static long Long(string text) =>
        RequestInteger.Check("cursor", text, 0, RequestInteger.MaxSafe, out long value) is null ? value : throw Invalid();

    /// <summary>A time key in a cursor: DateTime ticks, which exceed 2^53 and never leave the cursor as a JSON number.</summary>
    public static DateTime Instant(string ticksText) =>
        ticksText.Length <= 19 && ticksText.All(char.IsAsciiDigit)
        && long.TryParse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : throw Invalid();

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Text(DateTime utc) => utc.Ticks.ToString(CultureInfo.InvariantCulture);

    public static QueryValidationException Invalid() =>
        new("cursor", "cursor: malformed, or it belongs to another query or ordering; start again from the first page");
}

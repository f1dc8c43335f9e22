using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Portal.Redaction;

namespace AuditPortal.Portal.Timeline;

/// <summary>How the timeline pages print times, counts and payloads (invariant culture, UTC).</summary>
public static class Show
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC";

    public static string Time(DateTimeOffset value) => Time(value.UtcDateTime);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Json(JsonNode? node) => node?.ToJsonString(Indented) ?? "null";

    /// <summary>JSON Pointer paths of every value the redaction replaced (masked, erased, unreadable) — or opened.</summary>
    public static IReadOnlyList<string> MaskedPaths(JsonNode? node)
    {
        var paths = new List<string>();
        Walk(node, "", paths);
        return paths;
    }

    private static void Walk(JsonNode? node, string path, List<string> paths)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                    Walk(child, path + "/" + name, paths);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    Walk(a[i], path + "/" + i.ToString(CultureInfo.InvariantCulture), paths);
                break;
            case JsonValue v when v.TryGetValue<string>(out var s) && IsRedactionMarker(s):
                paths.Add(path.Length == 0 ? "/" : path);
                break;
        }
    }

    public static bool IsRedactionMarker(string value) =>
        value.StartsWith("[personal data:", StringComparison.Ordinal) || value == "[erased]";
}

using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Portal.Redaction;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Portal.Timeline;

/// <summary>How the timeline pages print times, counts and payloads (invariant culture, UTC).</summary>
public static class Show
{
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC";

    public static string Time(DateTimeOffset value) => Time(value.UtcDateTime);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>RFC 8785 canonical JSON of a (redacted) payload or state: the raw form a key/value view is one click from.</summary>
    public static string CanonicalJson(JsonNode? node) =>
        System.Text.Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(node?.ToJsonString() ?? "null"));

    /// <summary>
    /// Every leaf as (JSON Pointer, text): objects and arrays are walked, strings shown without quotes,
    /// other scalars as JSON. An empty object or array is one row (<c>{}</c>, <c>[]</c>); the root scalar is "/".
    /// </summary>
    public static IReadOnlyList<(string Path, string? Value)> Fields(JsonNode? node)
    {
        var fields = new List<(string, string?)>();
        Flatten(node, "", fields);
        return fields;
    }

    private static void Flatten(JsonNode? node, string path, List<(string, string?)> fields)
    {
        if (RedactionPolicy.IsRevealed(node, out var revealed))
        {
            Flatten(revealed, path, fields); // shown as the value; RevealedPaths marks it
            return;
        }
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (name, child) in o)
                    Flatten(child, path + "/" + Escape(name), fields);
                break;
            case JsonArray a when a.Count > 0:
                for (var i = 0; i < a.Count; i++)
                    Flatten(a[i], path + "/" + i.ToString(CultureInfo.InvariantCulture), fields);
                break;
            case JsonObject:
                fields.Add((Root(path), "{}"));
                break;
            case JsonArray:
                fields.Add((Root(path), "[]"));
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                fields.Add((Root(path), s));
                break;
            case null:
                fields.Add((Root(path), null));
                break;
            default:
                fields.Add((Root(path), node.ToJsonString()));
                break;
        }
    }

    private static string Root(string path) => path.Length == 0 ? "/" : path;

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

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
                    Walk(child, path + "/" + Escape(name), paths);
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

    /// <summary>JSON Pointer paths of every value a grant revealed (<c>{"revealed": value}</c>); values under them are revealed too.</summary>
    public static IReadOnlyList<string> RevealedPaths(JsonNode? node)
    {
        var paths = new List<string>();
        FindRevealed(node, "", paths);
        return paths;
    }

    /// <summary>True when <paramref name="path"/> is, or lies under, one of <paramref name="revealed"/>.</summary>
    public static bool IsUnder(string path, IReadOnlyList<string> revealed) =>
        revealed.Any(r => path == r || path.StartsWith(r + "/", StringComparison.Ordinal));

    private static void FindRevealed(JsonNode? node, string path, List<string> paths)
    {
        if (RedactionPolicy.IsRevealed(node, out _))
        {
            paths.Add(Root(path));
            return;
        }
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                    FindRevealed(child, path + "/" + Escape(name), paths);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    FindRevealed(a[i], path + "/" + i.ToString(CultureInfo.InvariantCulture), paths);
                break;
        }
    }

    public static bool IsRedactionMarker(string value) =>
        value.StartsWith("[personal data:", StringComparison.Ordinal) || value.StartsWith("[erased", StringComparison.Ordinal);
}

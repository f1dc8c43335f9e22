using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuditPortal.Data.Projections;

/// <summary>Invariant-culture helpers for the demo's decimal-string amounts and for copying payload members.</summary>
internal static class ProjectionValues
{
    public static string? Str(JsonObject payload, string name) =>
        payload[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static decimal Dec(JsonObject payload, string name) => Dec(Str(payload, name));

    public static decimal Dec(JsonNode? node) =>
        Dec(node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null);

    /// <summary>A decimal string (optional sign, optional point, invariant culture); 0 for null or anything else.</summary>
    public static decimal Dec(string? text) =>
        text is not null && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
            ? d
            : 0m;

    public static string Money(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Whole(decimal value) => value.ToString("0", CultureInfo.InvariantCulture);

    /// <summary>Moves member <paramref name="name"/> of the payload into the state (as <paramref name="as"/>), if present.</summary>
    public static void Take(JsonObject state, JsonObject payload, string name, string? @as = null)
    {
        if (!payload.ContainsKey(name))
            return;
        var value = payload[name];
        payload.Remove(name);
        state[@as ?? name] = value;
    }

    /// <summary>Copies every payload member into the state (last writer wins).</summary>
    public static void TakeAll(JsonObject state, JsonObject payload)
    {
        foreach (var name in payload.Select(m => m.Key).ToList())
            Take(state, payload, name);
    }

    public static JsonObject Child(JsonObject state, string name)
    {
        if (state[name] is JsonObject child)
            return child;
        var created = new JsonObject();
        state[name] = created;
        return created;
    }

    public static long Count(JsonObject state, string name)
    {
        if (state[name] is not JsonValue v)
            return 0;
        // The projections store counts as CLR longs: read those directly (serializing the value to text for
        // every trade was a measurable part of the as-of replay); anything else goes through its JSON text.
        if (v.TryGetValue<long>(out var stored))
            return stored;
        return v.GetValueKind() == JsonValueKind.Number
            && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? n
                : 0;
    }

    public static void Increment(JsonObject state, string name) => state[name] = Count(state, name) + 1;

    public static void AddMoney(JsonObject target, string name, decimal amount) => target[name] = Money(Dec(target[name]) + amount);

    /// <summary>Unknown actions are folded under <c>unrecognized.&lt;action&gt;</c> (last payload wins), never into the typed state.</summary>
    public static JsonObject Unrecognized(JsonObject state, string action, JsonObject payload)
    {
        Child(state, "unrecognized")[action] = payload;
        return state;
    }
}

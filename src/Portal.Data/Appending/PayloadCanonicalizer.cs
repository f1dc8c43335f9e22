using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuditPortal.Data.Appending;

/// <summary>
/// RFC 8785 serialization of payload values, restricted to what this domain uses: strings, integers
/// in ±(2^53 − 1), booleans, null, arrays and objects (members sorted ordinally by UTF-16 code units).
/// Non-integer numbers are rejected: amounts are strings in this domain, and refusing them avoids
/// implementing ECMAScript number formatting here.
/// </summary>
/// <remarks>TODO: switch to Portal.Verification's JsonCanonicalizer when it lands.</remarks>
internal static class PayloadCanonicalizer
{
    private const long MaxSafeInteger = (1L << 53) - 1;

    public static string Canonicalize(JsonNode? node)
    {
        var builder = new StringBuilder(256);
        WriteNode(builder, node, "$");
        return builder.ToString();
    }

    // Walks the node tree directly (the common case: objects of strings and integers) and falls back
    // to a JsonElement only for values that wrap other CLR types (Guid, DateTime, decimal, ...).
    private static void WriteNode(StringBuilder output, JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                output.Append("null");
                return;
            case JsonObject obj:
                var members = new List<KeyValuePair<string, JsonNode?>>(obj.Count);
                foreach (var member in obj)
                    members.Add(member);
                members.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                output.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0) output.Append(',');
                    WriteString(output, members[i].Key, path);
                    output.Append(':');
                    WriteNode(output, members[i].Value, path + "." + members[i].Key);
                }
                output.Append('}');
                return;
            case JsonArray array:
                output.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) output.Append(',');
                    WriteNode(output, array[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]");
                }
                output.Append(']');
                return;
            case JsonValue value:
                if (value.TryGetValue<JsonElement>(out var element))
                    Write(output, element, false, path);
                else if (value.TryGetValue<string>(out var text))
                    WriteString(output, text, path);
                else if (value.TryGetValue<bool>(out var flag))
                    output.Append(flag ? "true" : "false");
                else if (value.TryGetValue<long>(out var l))
                    WriteInteger(output, l, path);
                else if (value.TryGetValue<int>(out var n))
                    WriteInteger(output, n, path);
                else
                    Write(output, JsonSerializer.SerializeToElement(value), false, path);
                return;
        }
    }

    private static void WriteInteger(StringBuilder output, long value, string path)
    {
        if (value > MaxSafeInteger || value < -MaxSafeInteger)
            throw new ArgumentException(
                $"payload number at {path} is {value.ToString(CultureInfo.InvariantCulture)}: only integers within ±(2^53 − 1) are allowed; write amounts and decimals as strings");
        output.Append(value.ToString(CultureInfo.InvariantCulture));
    }

    private static void Write(StringBuilder output, JsonElement element, bool isNull, string path)
    {
        if (isNull)
        {
            output.Append("null");
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                output.Append("null");
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            case JsonValueKind.String:
                WriteString(output, element.GetString()!, path);
                break;
            case JsonValueKind.Number:
                if (!element.TryGetInt64(out var integer) || integer > MaxSafeInteger || integer < -MaxSafeInteger)
                    throw new ArgumentException(
                        $"payload number at {path} is {element.GetRawText()}: only integers within ±(2^53 − 1) are allowed; write amounts and decimals as strings");
                output.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index > 0) output.Append(',');
                    Write(output, item, false, $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]");
                    index++;
                }
                output.Append(']');
                break;
            case JsonValueKind.Object:
                var members = element.EnumerateObject().ToList();
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                output.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Append(',');
                        if (members[i].Name == members[i - 1].Name)
                            throw new ArgumentException($"payload object at {path} has the member '{members[i].Name}' twice");
                    }
                    WriteString(output, members[i].Name, path);
                    output.Append(':');
                    Write(output, members[i].Value, false, path + "." + members[i].Name);
                }
                output.Append('}');
                break;
            default:
                throw new ArgumentException($"payload value at {path} has unsupported kind {element.ValueKind}");
        }
    }

    private static void WriteString(StringBuilder output, string value, string path)
    {
        output.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                    throw new ArgumentException($"payload string at {path} contains a lone surrogate");
                output.Append(c).Append(value[++i]);
                continue;
            }
            if (char.IsLowSurrogate(c))
                throw new ArgumentException($"payload string at {path} contains a lone surrogate");
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                default:
                    if (c < 0x20)
                        output.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else
                        output.Append(c);
                    break;
            }
        }
        output.Append('"');
    }
}

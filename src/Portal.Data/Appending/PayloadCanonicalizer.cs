using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Data.Appending;

/// <summary>
/// Canonical payload text (RFC 8785, via <see cref="JsonCanonicalizer"/>) under the ledger's payload
/// policy: numbers are integers within ±(2^53 − 1). Amounts and decimals travel as strings, so no
/// value in the ledger depends on binary floating point.
/// </summary>
/// <remarks>
/// Runs once per appended event (and per personal field), so the common tree — objects, arrays,
/// strings, Guids, booleans, null and CLR integers — is written directly in canonical form: members sorted
/// by UTF-16 code units, strings through <see cref="JsonCanonicalizer.WriteString(IBufferWriter{byte}, ReadOnlySpan{char})"/>,
/// integers in decimal. Anything else (other CLR values such as double or DateTime, numbers parsed from
/// JSON text, strings with surrogates, integers outside the safe range) takes the general path:
/// serialize, check the numbers, canonicalize the text. Both give the same bytes (tests compare them).
/// </remarks>
internal static class PayloadCanonicalizer
{
    private const long MaxSafeInteger = (1L << 53) - 1;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? scratch;

    public static string Canonicalize(JsonNode? node) => Encoding.UTF8.GetString(CanonicalizeUtf8(node));

    /// <summary>The canonical payload as UTF-8 bytes: what the leaf hash covers and the payload column stores.</summary>
    public static byte[] CanonicalizeUtf8(JsonNode? node)
    {
        var buffer = scratch ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        if (TryWriteDirect(node, buffer))
            return buffer.WrittenSpan.ToArray();
        return CanonicalizeViaTextUtf8(node);
    }

    /// <summary>The general path: serialize, reject unsafe numbers, canonicalize the JSON text.</summary>
    internal static string CanonicalizeViaText(JsonNode? node) => Encoding.UTF8.GetString(CanonicalizeViaTextUtf8(node));

    private static byte[] CanonicalizeViaTextUtf8(JsonNode? node)
    {
        var json = node is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(node);
        RejectUnsafeNumbers(json);
        return JsonCanonicalizer.Canonicalize(json);
    }

    private static bool TryWriteDirect(JsonNode? node, ArrayBufferWriter<byte> output)
    {
        switch (node)
        {
            case null:
                output.Write("null"u8);
                return true;
            case JsonObject obj:
            {
                var count = obj.Count;
                if (count == 0)
                {
                    output.Write("{}"u8);
                    return true;
                }
                var members = ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Rent(count);
                try
                {
                    ((ICollection<KeyValuePair<string, JsonNode?>>)obj).CopyTo(members, 0);
                    var span = members.AsSpan(0, count);
                    span.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                    output.Write("{"u8);
                    for (var i = 0; i < span.Length; i++)
                    {
                        if (i > 0) output.Write(","u8);
                        if (!TryWriteString(span[i].Key, output))
                            return false;
                        output.Write(":"u8);
                        if (!TryWriteDirect(span[i].Value, output))
                            return false;
                    }
                    output.Write("}"u8);
                    return true;
                }
                finally
                {
                    members.AsSpan(0, count).Clear();
                    ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Return(members);
                }
            }
            case JsonArray array:
                output.Write("["u8);
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) output.Write(","u8);
                    if (!TryWriteDirect(array[i], output))
                        return false;
                }
                output.Write("]"u8);
                return true;
            case JsonValue value:
                return TryWriteValue(value, output);
            default:
                return false;
        }
    }

    private static bool TryWriteValue(JsonValue value, ArrayBufferWriter<byte> output)
    {
        // Only values that hold a CLR string, Guid, bool, int or long; a JsonElement-backed number keeps
        // its source text (1e3, 1.0) and goes the general path, which checks that text.
        if (value.TryGetValue<string>(out var text))
            return TryWriteString(text, output);
        if (value.TryGetValue<Guid>(out var id))
        {
            // As the serializer writes a Guid: "D" format, lowercase hex.
            var quoted = output.GetSpan(38);
            quoted[0] = (byte)'"';
            id.TryFormat(quoted[1..], out var length, "D");
            quoted[1 + length] = (byte)'"';
            output.Advance(length + 2);
            return true;
        }
        if (value.TryGetValue<bool>(out var flag))
        {
            output.Write(flag ? "true"u8 : "false"u8);
            return true;
        }
        long number;
        if (value.TryGetValue<long>(out var l))
            number = l;
        else if (value.TryGetValue<int>(out var i))
            number = i;
        else
            return false;
        if (value.GetValueKind() != JsonValueKind.Number || number is > MaxSafeInteger or < -MaxSafeInteger)
            return false;
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(number, span, out var written);
        output.Advance(written);
        return true;
    }

    private static bool TryWriteString(string text, ArrayBufferWriter<byte> output)
    {
        // Surrogates (valid pairs or not) go the general path, which has its own rules for them.
        if (text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
            return false;
        JsonCanonicalizer.WriteString(output, text);
        return true;
    }

    private static void RejectUnsafeNumbers(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var path = "$";
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
                path = "$." + reader.GetString();
            if (reader.TokenType != JsonTokenType.Number)
                continue;
            if (!reader.TryGetInt64(out var value) || value is > MaxSafeInteger or < -MaxSafeInteger)
                throw new ArgumentException(
                    $"payload number at {path}: only integers within ±(2^53 − 1) are allowed; write amounts and decimals as strings");
        }
    }
}

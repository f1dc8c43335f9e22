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
internal static class PayloadCanonicalizer
{
    private const long MaxSafeInteger = (1L << 53) - 1;

    public static string Canonicalize(JsonNode? node)
    {
        var json = node is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(node);
        RejectUnsafeNumbers(json);
        return Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(json));
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

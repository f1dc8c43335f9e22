using System.Text.Json;

namespace AuditPortal.Verification.Ledger;

/// <summary>
/// The rule that recognises a personal-data envelope in a payload (docs/ledger-format.md §7): every JSON
/// object inside the payload, at any depth, that has a member named <c>enc</c> is an envelope, and an
/// envelope has exactly the members <c>ct</c>, <c>enc</c> = <c>"A256GCM"</c>, <c>iv</c> (strict base64 of 12
/// bytes) and <c>sub</c> (a non-empty string), where <c>ct</c> is strict base64 of the ciphertext and its
/// 16-byte tag (so at least 16 bytes). No other object of a payload has an <c>enc</c> member.
/// </summary>
public static class PersonalDataEnvelope
{
    public const string Algorithm = "A256GCM";

    /// <summary>The member that makes an object an envelope.</summary>
    public const string Marker = "enc";
    public const int IvSize = 12;
    public const int TagSize = 16;

    /// <summary>True when <paramref name="element"/> is an object the rule recognises as an envelope (well-formed or not).</summary>
    public static bool IsEnvelope(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(Marker, out _);

    /// <summary>Null when <paramref name="envelope"/> (an object with <c>enc</c>) has the envelope's exact shape, else what is wrong.</summary>
    public static string? ShapeProblem(JsonElement envelope)
    {
        var names = envelope.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        if (!names.SequenceEqual(["ct", "enc", "iv", "sub"]))
            return $"got the members {string.Join(", ", names)}, want exactly ct, enc, iv, sub";
        if (envelope.GetProperty("enc") is not { ValueKind: JsonValueKind.String } enc || enc.GetString() != Algorithm)
            return $"enc: got {envelope.GetProperty("enc").GetRawText()}, want \"{Algorithm}\"";
        if (envelope.GetProperty("sub") is not { ValueKind: JsonValueKind.String } sub || sub.GetString()!.Length == 0)
            return $"sub: got {envelope.GetProperty("sub").GetRawText()}, want a non-empty string";
        if (Base64Problem(envelope.GetProperty("iv"), "iv", b => b == IvSize, $"{IvSize} bytes") is { } iv)
            return iv;
        return Base64Problem(envelope.GetProperty("ct"), "ct", b => b >= TagSize, $"at least {TagSize} bytes (ciphertext ‖ 16-byte tag)");
    }

    /// <summary>Calls <paramref name="visit"/> with the JSON path (from the payload) of every envelope in <paramref name="payload"/>.</summary>
    public static void FindAll(JsonElement payload, string path, Action<string, JsonElement> visit)
    {
        switch (payload.ValueKind)
        {
            case JsonValueKind.Object when IsEnvelope(payload):
                visit(path, payload);
                break;
            case JsonValueKind.Object:
                foreach (var member in payload.EnumerateObject())
                    FindAll(member.Value, $"{path}.{member.Name}", visit);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in payload.EnumerateArray())
                    FindAll(item, $"{path}[{i++}]", visit);
                break;
        }
    }

    private static string? Base64Problem(JsonElement value, string name, Func<int, bool> lengthOk, string want)
    {
        if (value.ValueKind != JsonValueKind.String)
            return $"{name}: got {value.GetRawText()}, want a base64 string";
        if (StrictBase64.TryDecode(value.GetString()!, out var problem) is not { } bytes)
            return $"{name}: {problem}";
        return lengthOk(bytes.Length) ? null : $"{name}: got {bytes.Length} bytes, want {want}";
    }
}

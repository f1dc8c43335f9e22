using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditPortal.Verification.StrictJson;

/// <summary>
/// The one reader of the format's JSON documents (bundles, proof documents, event records; docs/ledger-format.md
/// §1.1). A document is UTF-8 without a byte order mark, exactly one JSON value, no member name repeated in
/// any object at any depth (names compared after unescaping), no lone surrogate, and every number a plain
/// decimal integer in [0, 2^53 − 1]. Mapped to a type, every member the type declares <c>required</c> must
/// be present, no other member may be, and <c>null</c> only where the type says so.
/// </summary>
/// <remarks>
/// Why its own pass: <see cref="JsonSerializer"/> and <see cref="JsonDocument"/> keep the last of two members
/// with one name, while a person or another parser may read the first; a verifier that disagrees with its
/// reader about which value it checked proves nothing. New members of the format are read strictly by adding
/// them to the mapped record; nothing else needs to change.
/// </remarks>
public static class StrictJsonReader
{
    /// <summary>The largest integer the format allows (I-JSON: exactly representable as a double).</summary>
    public const long MaxInteger = (1L << 53) - 1;

    private const int MaxDepth = 64;

    private static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        PropertyNameCaseInsensitive = false,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = MaxDepth,
    };

    /// <summary>Checks <paramref name="utf8"/> against the document rules, then maps it to <typeparamref name="T"/>.</summary>
    /// <exception cref="StrictJsonException">The first rule broken, with its path.</exception>
    public static T Read<T>(ReadOnlySpan<byte> utf8)
    {
        Check(utf8, nullInArrays: false);
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, Options)
                   ?? throw new StrictJsonException("member", "$", "null", $"a {typeof(T).Name} object");
        }
        catch (JsonException ex)
        {
            var path = ex.Path ?? "$";
            // The serializer says which rule through its message only; a test pins the phrases.
            if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
                throw new StrictJsonException("unknown_member", path, "a member the format does not define", $"only the members of {typeof(T).Name}");
            if (ex.Message.Contains("missing required properties", StringComparison.Ordinal))
                throw new StrictJsonException("member", path, FirstSentence(ex.Message), "every member the format requires");
            throw new StrictJsonException("member", path, FirstSentence(ex.Message), "the member types of the format");
        }
    }

    /// <summary>
    /// Checks the document rules of the class remarks without mapping: UTF-8, one value, no repeated
    /// member name anywhere, no lone surrogate, integers only.
    /// </summary>
    /// <exception cref="StrictJsonException">The first rule broken, with its path.</exception>
    /// <param name="utf8">The document.</param>
    /// <param name="signedIntegers">Allow integers down to −(2^53 − 1), as an event record's payload may hold (§2).</param>
    public static void CheckDocument(ReadOnlySpan<byte> utf8, bool signedIntegers = false) => Check(utf8, nullInArrays: true, signedIntegers);

    // A mapped document has no array whose elements may be null (the serializer would hand them on as null).
    private static void Check(ReadOnlySpan<byte> utf8, bool nullInArrays, bool signedIntegers = false)
    {
        if (utf8.StartsWith("\uFEFF"u8))
            throw new StrictJsonException("json", "$", "a byte order mark", "UTF-8 JSON without one");
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            throw new StrictJsonException("json", "$", "bytes that are not UTF-8", "UTF-8 JSON");
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = MaxDepth,
        });
        var scopes = new Stack<Scope>();
        try
        {
            if (!reader.Read())
                throw new StrictJsonException("json", "$", "no JSON value", "one");
            do
            {
                Visit(ref reader, scopes, nullInArrays, signedIntegers);
            }
            while (scopes.Count > 0 && reader.Read());
            if (reader.Read())
                throw new StrictJsonException("json", "$", "content after the JSON value", "exactly one value");
        }
        catch (JsonException ex)
        {
            throw new StrictJsonException("json", Path(scopes), "text that is not JSON (" + FirstSentence(ex.Message) + ")", "JSON (RFC 8259)");
        }
    }

    private static void Visit(ref Utf8JsonReader reader, Stack<Scope> scopes, bool nullInArrays, bool signedIntegers)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                Enter(scopes, new Scope(new HashSet<string>(StringComparer.Ordinal), null, -1));
                break;
            case JsonTokenType.StartArray:
                Enter(scopes, new Scope(null, null, -1));
                break;
            case JsonTokenType.EndObject:
            case JsonTokenType.EndArray:
                scopes.Pop();
                break;
            case JsonTokenType.PropertyName:
                var scope = scopes.Peek();
                var name = Text(ref reader, scopes);
                scope.Name = name;
                if (!scope.Names!.Add(name))
                    throw new StrictJsonException("duplicate_member", Path(scopes), $"the member \"{name}\" twice", "every member name once per object");
                break;
            case JsonTokenType.String:
                Text(ref reader, scopes);
                Advance(scopes);
                break;
            case JsonTokenType.Number:
                CheckInteger(ref reader, scopes, signedIntegers);
                Advance(scopes);
                break;
            default: // true, false, null
                Advance(scopes);
                if (!nullInArrays && reader.TokenType == JsonTokenType.Null && scopes.TryPeek(out var array) && array.Names is null)
                    throw new StrictJsonException("member", Path(scopes), "null", "a value: no array of the format holds null");
                break;
        }
    }

    private static void Enter(Stack<Scope> scopes, Scope scope)
    {
        Advance(scopes);
        scopes.Push(scope);
    }

    // An array element was read: the next one has the next index.
    private static void Advance(Stack<Scope> scopes)
    {
        if (scopes.TryPeek(out var parent) && parent.Names is null)
            parent.Index++;
    }

    private static string Text(ref Utf8JsonReader reader, Stack<Scope> scopes)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new StrictJsonException("lone_surrogate", Path(scopes), "a string with a lone surrogate", "Unicode text (I-JSON)");
        }
    }

    private static void CheckInteger(ref Utf8JsonReader reader, Stack<Scope> scopes, bool signed)
    {
        var raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
        var text = Encoding.ASCII.GetString(raw);
        var negative = signed && text.StartsWith('-');
        var magnitude = negative ? text[1..] : text;
        var plain = magnitude.Length > 0 && magnitude.All(char.IsAsciiDigit) && (magnitude.Length == 1 || magnitude[0] != '0')
                    && !(negative && magnitude == "0");
        if (!plain || !long.TryParse(magnitude, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > MaxInteger)
            throw new StrictJsonException("integer", Path(scopes), $"the number {text}",
                signed ? "an integer within ±(2^53 - 1) written as decimal digits" : "an integer in [0, 2^53 - 1] written as plain decimal digits");
    }

    private static string Path(Stack<Scope> scopes)
    {
        var path = new StringBuilder("$");
        foreach (var scope in scopes.Reverse())
        {
            if (scope.Names is null)
                path.Append('[').Append(Math.Max(scope.Index, 0).ToString(CultureInfo.InvariantCulture)).Append(']');
            else if (scope.Name is not null)
                path.Append('.').Append(scope.Name);
        }
        return path.ToString();
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }

    /// <summary>One open object (its member names so far, the current one) or array (the current index).</summary>
    private sealed class Scope(HashSet<string>? names, string? name, int index)
    {
        public HashSet<string>? Names { get; } = names;
        public string? Name { get; set; } = name;
        public int Index { get; set; } = index;
    }
}

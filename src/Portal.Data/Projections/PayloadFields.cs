using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AuditPortal.Data.Projections;

/// <summary>What a top-level payload member holds, as far as <see cref="ProjectionValues.Str"/> can tell.</summary>
internal enum PayloadFieldKind : byte
{
    Absent,
    String,
    Null,

    /// <summary>A number, boolean, object or array: callers that need more than "not a string" take the general path.</summary>
    Other,
}

/// <summary>One top-level member of a payload read by <see cref="PayloadFields.TryRead"/>.</summary>
internal readonly record struct PayloadField(PayloadFieldKind Kind, string? Text)
{
    /// <summary>Same as <see cref="ProjectionValues.Str(System.Text.Json.Nodes.JsonObject, string)"/>: the string, or null for anything else.</summary>
    public string? Str => Kind == PayloadFieldKind.String ? Text : null;

    /// <summary>Same as <see cref="ProjectionValues.Dec(System.Text.Json.Nodes.JsonObject, string)"/>.</summary>
    public decimal Dec => ProjectionValues.Dec(Str);
}

/// <summary>
/// Reads chosen top-level members of a payload straight from its JSON text with <see cref="Utf8JsonReader"/>,
/// without building a <see cref="System.Text.Json.Nodes.JsonObject"/>. The as-of replay folds every event of a
/// stream; parsing each payload into a DOM was about half of its CPU time.
/// </summary>
internal static class PayloadFields
{
    /// <summary>
    /// Fills <paramref name="values"/>[i] with member <paramref name="names"/>[i] of <paramref name="json"/>.
    /// False when the payload is not a well-formed JSON object or names a wanted member twice: the caller then
    /// takes the general path (<see cref="ProjectionEvent.ParsePayload"/>), which decides what such a payload means.
    /// </summary>
    public static bool TryRead(string json, ReadOnlySpan<string> names, Span<PayloadField> values)
    {
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            return TryRead(buffer[..length], names, values);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static bool TryRead(ReadOnlySpan<byte> utf8, ReadOnlySpan<string> names, Span<PayloadField> values)
    {
        values.Clear();
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var wanted = -1;
                for (var i = 0; i < names.Length; i++)
                {
                    if (reader.ValueTextEquals(names[i]))
                    {
                        wanted = i;
                        break;
                    }
                }
                if (!reader.Read())
                    return false;
                if (wanted >= 0)
                {
                    if (values[wanted].Kind != PayloadFieldKind.Absent)
                        return false; // a duplicate member: let the general path decide
                    values[wanted] = reader.TokenType switch
                    {
                        JsonTokenType.String => new PayloadField(PayloadFieldKind.String, reader.GetString()),
                        JsonTokenType.Null => new PayloadField(PayloadFieldKind.Null, null),
                        _ => new PayloadField(PayloadFieldKind.Other, null),
                    };
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    reader.Skip();
            }
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

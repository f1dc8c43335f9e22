using System.Text.Json;

namespace AuditPortal.Data.Appending;

/// <summary>
/// Top-level members of a canonical JSON object (RFC 8785), found and replaced in its UTF-8 text without
/// building a tree.
/// </summary>
/// <remarks>
/// Canonical form is compositional: the bytes of a member's value are that value's canonical form, and
/// replacing one value by another canonical value leaves the whole canonical (names, and so their order,
/// do not change). That is how the appender encrypts personal fields: the plaintext is the value's slice,
/// and the envelope takes its place.
/// </remarks>
internal static class CanonicalMembers
{
    /// <summary>Where the value of member <paramref name="name"/> lies in <paramref name="json"/>; Start is −1 when there is no such member.</summary>
    public static (int Start, int Length) IndexOf(ReadOnlySpan<byte> json, string name)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new ArgumentException("not a JSON object", nameof(json));
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip(); // to the end of an object or array value; nothing for a scalar
            if (match)
                return (start, (int)reader.BytesConsumed - start);
        }
        return (-1, 0);
    }

    /// <summary>
    /// <paramref name="json"/> with the value at each of <paramref name="ranges"/> (from <see cref="IndexOf"/>,
    /// distinct members, any order) replaced by the canonical value at the same index of <paramref name="values"/>.
    /// </summary>
    public static byte[] Replace(ReadOnlySpan<byte> json, (int Start, int Length)[] ranges, byte[][] values)
    {
        var order = new int[ranges.Length];
        var length = json.Length;
        for (var i = 0; i < ranges.Length; i++)
        {
            order[i] = i;
            length += values[i].Length - ranges[i].Length;
        }
        Array.Sort(order, (a, b) => ranges[a].Start.CompareTo(ranges[b].Start));

        var output = new byte[length];
        var read = 0;
        var written = 0;
        foreach (var i in order)
        {
            var (start, count) = ranges[i];
            json[read..start].CopyTo(output.AsSpan(written));
            written += start - read;
            values[i].CopyTo(output.AsSpan(written));
            written += values[i].Length;
            read = start + count;
        }
        json[read..].CopyTo(output.AsSpan(written));
        return output;
    }
}

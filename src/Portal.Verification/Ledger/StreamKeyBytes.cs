using System.Text;

namespace AuditPortal.Verification.Ledger;

/// <summary>
/// A stream key as one byte string, for tables looked up by the bytes a row was read with (no string per row): the
/// UTF-8 type, a 0xFF byte (never part of UTF-8 text, so type and id cannot run into each other), the UTF-8 id.
/// </summary>
internal static class StreamKeyBytes
{
    private const byte Separator = 0xFF;

    /// <summary>The most bytes <see cref="Write(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> writes.</summary>
    public static int MaxLength(int typeBytes, int idBytes) => typeBytes + 1 + idBytes;

    /// <summary>Writes the key bytes of (<paramref name="type"/>, <paramref name="id"/>); returns their length.</summary>
    public static int Write(ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, Span<byte> destination)
    {
        type.CopyTo(destination);
        destination[type.Length] = Separator;
        id.CopyTo(destination[(type.Length + 1)..]);
        return type.Length + 1 + id.Length;
    }

    /// <summary>The most bytes <see cref="Write(StreamKey, Span{byte})"/> writes for <paramref name="stream"/>.</summary>
    public static int MaxLength(StreamKey stream) =>
        MaxLength(Encoding.UTF8.GetMaxByteCount(stream.Type.Length), Encoding.UTF8.GetMaxByteCount(stream.Id.Length));

    /// <summary>Writes the key bytes of <paramref name="stream"/>; returns their length.</summary>
    public static int Write(StreamKey stream, Span<byte> destination)
    {
        var type = Encoding.UTF8.GetBytes(stream.Type, destination);
        destination[type] = Separator;
        return type + 1 + Encoding.UTF8.GetBytes(stream.Id, destination[(type + 1)..]);
    }

    /// <summary>The key bytes of <paramref name="stream"/>, as an array.</summary>
    public static byte[] Of(StreamKey stream)
    {
        var key = new byte[MaxLength(stream)];
        return key.AsSpan(0, Write(stream, key)).ToArray();
    }

    /// <summary>The stream whose key bytes are <paramref name="key"/>.</summary>
    public static StreamKey Stream(ReadOnlySpan<byte> key)
    {
        var at = key.IndexOf(Separator);
        return new StreamKey(Encoding.UTF8.GetString(key[..at]), Encoding.UTF8.GetString(key[(at + 1)..]));
    }

    /// <summary>Compares keys as arrays and, without an array, as spans (a dictionary's alternate lookup).</summary>
    public sealed class Comparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Comparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}

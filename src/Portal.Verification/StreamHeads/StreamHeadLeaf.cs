using System.Buffers.Binary;
using System.Text;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.StreamHeads;

/// <summary>
/// One leaf of the stream-head tree (docs/ledger-format.md §4.1): a stream's key, its last stream_seq
/// at the checkpoint and that event's leaf hash, encoded as
/// <c>u32(len T) ‖ T ‖ u32(len I) ‖ I ‖ u64(stream_seq) ‖ leaf_hash</c> (big-endian, UTF-8).
/// </summary>
public sealed record StreamHeadLeaf(string StreamType, string StreamId, long StreamSeq, byte[] LeafHash)
{
    public byte[] ToBytes() => Encode(Encoding.UTF8.GetBytes(StreamType), Encoding.UTF8.GetBytes(StreamId), StreamSeq, LeafHash);

    /// <summary>H(0x00 ‖ <see cref="ToBytes"/>): the leaf's RFC 9162 leaf hash.</summary>
    public byte[] Hash() => MerkleHasher.HashLeaf(ToBytes());

    public StreamKey Key => new(StreamType, StreamId);

    internal static byte[] Encode(ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, long streamSeq, ReadOnlySpan<byte> leafHash)
    {
        if (streamSeq < 1)
            throw new ArgumentOutOfRangeException(nameof(streamSeq), streamSeq, "a stream head has stream_seq >= 1");
        if (leafHash.Length != HashHex.HashSize)
            throw new ArgumentException($"leaf hash is {leafHash.Length} bytes, want {HashHex.HashSize}", nameof(leafHash));
        var bytes = new byte[4 + type.Length + 4 + id.Length + 8 + HashHex.HashSize];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)type.Length);
        type.CopyTo(span[4..]);
        span = span[(4 + type.Length)..];
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)id.Length);
        id.CopyTo(span[4..]);
        span = span[(4 + id.Length)..];
        BinaryPrimitives.WriteUInt64BigEndian(span, (ulong)streamSeq);
        leafHash.CopyTo(span[8..]);
        return bytes;
    }

    /// <summary>The §4.1 order of stream keys: by type, then by id, each as UTF-8 bytes compared byte by byte.</summary>
    public static int CompareKeys(StreamKey a, StreamKey b)
    {
        var byType = CompareUtf8(a.Type, b.Type);
        return byType != 0 ? byType : CompareUtf8(a.Id, b.Id);
    }

    // UTF-16 ordinal order equals UTF-8 byte order except where a surrogate pair meets U+E000–U+FFFF;
    // only then are the bytes compared.
    private static int CompareUtf8(string a, string b)
    {
        var ordinal = string.CompareOrdinal(a, b);
        if (ordinal == 0 || (!HasHighCodeUnits(a) && !HasHighCodeUnits(b)))
            return ordinal;
        return Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
    }

    private static bool HasHighCodeUnits(string s) => s.AsSpan().IndexOfAnyInRange('\uD800', '\uFFFF') >= 0;
}

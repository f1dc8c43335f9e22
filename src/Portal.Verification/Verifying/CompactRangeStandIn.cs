using System.Security.Cryptography;

namespace AuditPortal.Verification.Merkle;

// STAND-IN: delete this file when the Merkle engineer's CompactRange lands on main.
// Same surface as theirs (Append / AppendRange / RootHash / Clone); a compact range over the
// leaves [Begin, End) of an RFC 9162 tree, kept as its minimal list of perfect aligned subtrees.
internal sealed class CompactRange
{
    private readonly List<(int Level, byte[] Hash)> nodes = [];

    public CompactRange(long begin)
    {
        Begin = begin;
        End = begin;
    }

    public long Begin { get; }

    public long End { get; private set; }

    public void Append(ReadOnlySpan<byte> leafHash) => AppendNode(0, leafHash.ToArray());

    /// <summary>Appends <paramref name="other"/>, which must begin where this range ends.</summary>
    public void AppendRange(CompactRange other)
    {
        if (other.Begin != End)
            throw new ArgumentException($"ranges are not adjacent: got begin {other.Begin}, want {End}", nameof(other));
        foreach (var (level, hash) in other.nodes)
            AppendNode(level, hash);
    }

    /// <summary>The RFC 9162 Merkle Tree Hash of [0, End); only defined for a range that begins at 0.</summary>
    public byte[] RootHash()
    {
        if (Begin != 0)
            throw new InvalidOperationException("a root is only defined for a range that begins at 0");
        if (nodes.Count == 0)
            return SHA256.HashData(ReadOnlySpan<byte>.Empty);
        var hash = nodes[^1].Hash;
        for (var i = nodes.Count - 2; i >= 0; i--)
            hash = Node(nodes[i].Hash, hash);
        return hash;
    }

    public CompactRange Clone()
    {
        var copy = new CompactRange(Begin) { End = End };
        copy.nodes.AddRange(nodes);
        return copy;
    }

    private void AppendNode(int level, byte[] hash)
    {
        if (End % (1L << level) != 0)
            throw new ArgumentException("node is not aligned to the end of the range", nameof(level));
        nodes.Add((level, hash));
        End += 1L << level;
        while (nodes.Count >= 2 && nodes[^1].Level == nodes[^2].Level
               && End % (1L << (nodes[^1].Level + 1)) == 0
               && End - (1L << (nodes[^1].Level + 1)) >= Begin)
        {
            var right = nodes[^1];
            var left = nodes[^2];
            nodes.RemoveRange(nodes.Count - 2, 2);
            nodes.Add((left.Level + 1, Node(left.Hash, right.Hash)));
        }
    }

    private static byte[] Node(byte[] left, byte[] right)
    {
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[33..]);
        return SHA256.HashData(buffer);
    }
}

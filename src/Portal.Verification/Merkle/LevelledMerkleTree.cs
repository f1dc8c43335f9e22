namespace AuditPortal.Verification.Merkle;

/// <summary>
/// A Merkle tree of fixed size that keeps every level of perfect subtree hashes, so each proof costs
/// O(log² n) lookups instead of rehashing its ranges. Built once per checkpoint for exports that need
/// many proofs (every event of a stream). Memory: about 2 × 32 bytes per leaf.
/// </summary>
public sealed class LevelledMerkleTree
{
    // levels[h][i] = MTH of the perfect subtree of 2^h leaves starting at leaf i·2^h.
    private readonly List<byte[][]> levels = [];

    public LevelledMerkleTree(IReadOnlyList<byte[]> leafHashes)
    {
        Size = leafHashes.Count;
        var current = leafHashes as byte[][] ?? leafHashes.ToArray();
        levels.Add(current);
        while (current.Length > 1)
        {
            var next = new byte[current.Length / 2][];
            for (var i = 0; i < next.Length; i++)
                next[i] = MerkleHasher.HashChildren(current[2 * i], current[2 * i + 1]);
            levels.Add(next);
            current = next;
        }
    }

    public long Size { get; }

    public byte[] RootHash() => Size == 0 ? MerkleHasher.EmptyRoot.ToArray() : HashRange(new LeafRange(0, Size));

    public IReadOnlyList<byte[]> InclusionProof(long index) =>
        ProofPlan.Inclusion(index, Size).Ranges.Select(HashRange).ToArray();

    /// <summary>Consistency proof from <paramref name="size1"/> to this tree's size.</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(long size1) =>
        ProofPlan.Consistency(size1, Size).Ranges.Select(HashRange).ToArray();

    /// <summary>Root of the prefix of <paramref name="size"/> leaves.</summary>
    public byte[] RootHash(long size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
        return size == 0 ? MerkleHasher.EmptyRoot.ToArray() : HashRange(new LeafRange(0, size));
    }

    // MTH of [begin, end): a perfect aligned subtree is a lookup; otherwise split at the largest
    // power of two below the length, as RFC 9162 §2.1.1 does.
    private byte[] HashRange(LeafRange range)
    {
        var length = range.End - range.Begin;
        if (long.IsPow2(length) && range.Begin % length == 0)
        {
            var level = System.Numerics.BitOperations.Log2((ulong)length);
            return levels[level][range.Begin >> level];
        }
        var k = 1L << System.Numerics.BitOperations.Log2((ulong)(length - 1));
        return MerkleHasher.HashChildren(HashRange(new LeafRange(range.Begin, range.Begin + k)),
            HashRange(new LeafRange(range.Begin + k, range.End)));
    }
}

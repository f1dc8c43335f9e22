namespace AuditPortal.Verification.Merkle;

/// <summary>
/// An in-memory RFC 9162 Merkle tree over a list of leaf hashes, for tests and small exports.
/// Roots and proofs are computed from the same <see cref="ProofPlan"/> and <see cref="CompactRange"/>
/// code the streaming paths use. Large ledgers should use <see cref="ProofBuilder"/> over a leaf scan.
/// </summary>
public sealed class MerkleTree
{
    private readonly List<byte[]> _leafHashes = [];

    /// <summary>Number of leaves.</summary>
    public long Size => _leafHashes.Count;

    /// <summary>Hashes <paramref name="leaf"/> with <see cref="MerkleHasher.HashLeaf(ReadOnlySpan{byte})"/> and appends it.</summary>
    public void AppendLeaf(ReadOnlySpan<byte> leaf) => _leafHashes.Add(MerkleHasher.HashLeaf(leaf));

    /// <summary>Appends a leaf given its leaf hash.</summary>
    public void AppendLeafHash(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHasher.HashSize)
        {
            throw new ArgumentException($"leaf hash is {leafHash.Length} bytes, want {MerkleHasher.HashSize}", nameof(leafHash));
        }

        _leafHashes.Add(leafHash.ToArray());
    }

    /// <summary>Returns a copy of the hash of leaf <paramref name="index"/>.</summary>
    public byte[] LeafHash(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        CheckSize(index + 1);
        return (byte[])_leafHashes[checked((int)index)].Clone();
    }

    /// <summary>The root hash (MTH) of the tree of the first <paramref name="size"/> leaves.</summary>
    public byte[] RootHash(long size)
    {
        CheckSize(size);
        return HashRange(new LeafRange(0, size));
    }

    /// <summary>The inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public IReadOnlyList<byte[]> InclusionProof(long index, long size)
    {
        CheckSize(size);
        return Prove(ProofPlan.Inclusion(index, size));
    }

    /// <summary>The consistency proof between the trees of <paramref name="size1"/> and <paramref name="size2"/> leaves.</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2)
    {
        CheckSize(size2);
        return Prove(ProofPlan.Consistency(size1, size2));
    }

    private IReadOnlyList<byte[]> Prove(ProofPlan plan) => plan.Ranges.Select(HashRange).ToArray();

    private byte[] HashRange(LeafRange range)
    {
        var compact = CompactRange.Empty(0);
        for (long i = range.Begin; i < range.End; i++)
        {
            compact.Append(_leafHashes[(int)i]);
        }

        return compact.RootHash();
    }

    private void CheckSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"tree size {size} is beyond the {Size} leaves held");
        }
    }
}

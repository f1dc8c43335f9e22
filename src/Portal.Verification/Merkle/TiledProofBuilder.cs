namespace AuditPortal.Verification.Merkle;

/// <summary>
/// Builds RFC 9162 proofs and roots from a <see cref="SubtreeHashCache"/> plus the leaf hashes of the few
/// tiles the cache cannot answer: O(2^height + log n) hashes per proof instead of O(n).
/// </summary>
/// <remarks>
/// <para>
/// Every range of a <see cref="ProofPlan"/> (and [0, n) of a root) is a node of the RFC 9162 §2.1.1
/// recursion, so a range of at most one tile lies inside one tile. Each range is split the way the
/// RFC splits it until every piece is either held by the cache or no larger than a tile; the small
/// pieces are hashed from their leaves. For a tree size n and a cache covering ⌊n / 2^height⌋ tiles,
/// the leaves needed are those of the tile holding the proven leaf (or the smaller consistency size's
/// boundary) and of the partial tile at the end of the tree: at most two tiles.
/// </para>
/// <para>
/// Usage: ask <see cref="LeavesNeeded(ProofPlan, SubtreeHashCache)"/> which leaf ranges to read, read
/// their hashes, then <see cref="Build"/>. The result is only as good as the cache: verify it against
/// a root you trust (a signed checkpoint) before showing it.
/// </para>
/// </remarks>
public static class TiledProofBuilder
{
    /// <summary>The leaf ranges, sorted and merged, whose hashes <see cref="Build"/> needs for <paramref name="plan"/>.</summary>
    public static IReadOnlyList<LeafRange> LeavesNeeded(ProofPlan plan, SubtreeHashCache cache)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return LeavesNeeded(plan.Ranges, cache);
    }

    /// <summary>The leaf ranges, sorted and merged, whose hashes <see cref="HashRange"/> needs for each of <paramref name="ranges"/>.</summary>
    public static IReadOnlyList<LeafRange> LeavesNeeded(IEnumerable<LeafRange> ranges, SubtreeHashCache cache)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(cache);
        var pieces = new List<LeafRange>();
        foreach (var range in ranges)
            CollectLeafPieces(range, cache, pieces);
        pieces.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        var merged = new List<LeafRange>(pieces.Count);
        foreach (var piece in pieces)
        {
            if (merged.Count > 0 && piece.Begin <= merged[^1].End)
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, piece.End) };
            else
                merged.Add(piece);
        }
        return merged;
    }

    /// <summary>The proof of <paramref name="plan"/>: subtree hashes in proof order.</summary>
    /// <param name="plan">The proof to build.</param>
    /// <param name="cache">Subtree hashes of the same tree.</param>
    /// <param name="leafHashes">Leaf hash by leaf index, for at least the ranges <see cref="LeavesNeeded(ProofPlan, SubtreeHashCache)"/> names.</param>
    /// <exception cref="InvalidOperationException">A needed leaf hash was not supplied.</exception>
    public static IReadOnlyList<byte[]> Build(ProofPlan plan, SubtreeHashCache cache, IReadOnlyDictionary<long, byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Ranges.Select(r => HashRange(r, cache, leafHashes)).ToArray();
    }

    /// <summary>The root of the tree of <paramref name="size"/> leaves (MTH(D[0:size])); needs the leaves of <c>LeavesNeeded([[0, size)])</c>.</summary>
    public static byte[] RootHash(long size, SubtreeHashCache cache, IReadOnlyDictionary<long, byte[]> leafHashes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return size == 0 ? MerkleHasher.EmptyRoot.ToArray() : HashRange(new LeafRange(0, size), cache, leafHashes);
    }

    /// <summary>MTH(D[range.Begin:range.End]) of a non-empty range.</summary>
    /// <exception cref="InvalidOperationException">A needed leaf hash was not supplied.</exception>
    public static byte[] HashRange(LeafRange range, SubtreeHashCache cache, IReadOnlyDictionary<long, byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(leafHashes);
        if (range.Begin < 0 || range.Size <= 0)
            throw new ArgumentOutOfRangeException(nameof(range), range, $"range {range} is empty or negative");
        if (cache.Holds(range))
            return cache.SubtreeHash(range).ToArray();
        if (range.Size <= cache.TileSize)
        {
            // MTH of a range is the root of its leaves taken as a tree of their own.
            var leaves = CompactRange.Empty(0);
            for (var i = range.Begin; i < range.End; i++)
            {
                if (!leafHashes.TryGetValue(i, out var hash))
                    throw new InvalidOperationException($"leaf {i} of range {range} was not supplied");
                leaves.Append(hash);
            }
            return leaves.RootHash();
        }
        var k = SplitPoint(range.Size);
        return MerkleHasher.HashChildren(
            HashRange(new LeafRange(range.Begin, range.Begin + k), cache, leafHashes),
            HashRange(new LeafRange(range.Begin + k, range.End), cache, leafHashes));
    }

    // Mirrors HashRange, collecting the pieces hashed from leaves instead of hashing them.
    private static void CollectLeafPieces(LeafRange range, SubtreeHashCache cache, List<LeafRange> pieces)
    {
        if (range.Begin < 0 || range.Size <= 0)
            throw new ArgumentOutOfRangeException(nameof(range), range, $"range {range} is empty or negative");
        if (cache.Holds(range))
            return;
        if (range.Size <= cache.TileSize)
        {
            pieces.Add(range);
            return;
        }
        var k = SplitPoint(range.Size);
        CollectLeafPieces(new LeafRange(range.Begin, range.Begin + k), cache, pieces);
        CollectLeafPieces(new LeafRange(range.Begin + k, range.End), cache, pieces);
    }

    // RFC 9162 §2.1.1: the largest power of two strictly below n (n >= 2).
    private static long SplitPoint(long n) => (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)n) >> 1;
}

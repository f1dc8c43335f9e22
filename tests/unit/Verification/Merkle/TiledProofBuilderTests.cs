using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

/// <summary>
/// Proofs from a subtree-hash cache plus the leaves of at most two tiles must equal the proofs of the
/// in-memory <see cref="LevelledMerkleTree"/> (itself cross-checked against the RFC reference) for every
/// (index, size) and (size1, size2), including sizes just below, at and above tile boundaries.
/// </summary>
public sealed class TiledProofBuilderTests
{
    private const int MaxLeaves = 1_100;

    private static readonly byte[][] LeafHashes =
        Rfc9162Reference.Leaves(MaxLeaves).Select(d => MerkleHasher.HashLeaf(d)).ToArray();

    /// <summary>A cache of the first <paramref name="size"/> leaves: the complete tiles only.</summary>
    internal static SubtreeHashCache CacheFor(int height, long size, SubtreeHashCache? from = null)
    {
        var cache = from ?? SubtreeHashCache.Empty(height);
        var hasher = new TileHasher(height, cache.CoveredLeaves);
        for (var i = cache.CoveredLeaves; i < size; i++)
            hasher.Add(i, LeafHashes[i]);
        return cache.Append(hasher.CompletedTiles);
    }

    // Only the leaves the builder asks for: a proof that needed any other leaf would throw.
    private static Dictionary<long, byte[]> Supply(IReadOnlyList<LeafRange> ranges)
    {
        var supplied = new Dictionary<long, byte[]>();
        foreach (var range in ranges)
            for (var i = range.Begin; i < range.End; i++)
                supplied[i] = LeafHashes[i];
        return supplied;
    }

    private static IReadOnlyList<byte[]> Tiled(ProofPlan plan, SubtreeHashCache cache, out long leavesRead)
    {
        var needed = TiledProofBuilder.LeavesNeeded(plan, cache);
        leavesRead = needed.Sum(r => r.Size);
        return TiledProofBuilder.Build(plan, cache, Supply(needed));
    }

    private static void ShouldEqual(IReadOnlyList<byte[]> actual, IReadOnlyList<byte[]> expected, string what)
    {
        if (actual.Count != expected.Count || actual.Zip(expected).Any(p => !p.First.AsSpan().SequenceEqual(p.Second)))
            throw new Shouldly.ShouldAssertException($"{what}: tiled proof differs from the levelled tree's " +
                $"(got {actual.Count} hashes, want {expected.Count})");
    }

    [Theory]
    [InlineData(0, 260)]
    [InlineData(1, 300)]
    [InlineData(2, MaxLeaves)]
    [InlineData(3, 600)]
    public void InclusionProofs_EveryIndexAndSize_EqualTheLevelledTree(int height, int maxSize)
    {
        var tileSize = 1L << height;
        var cache = SubtreeHashCache.Empty(height);
        for (var n = 1; n <= maxSize; n++)
        {
            cache = CacheFor(height, n, cache); // extended one leaf at a time, as a growing ledger would
            cache.CoveredLeaves.ShouldBe(n / tileSize * tileSize);
            var tree = new LevelledMerkleTree(LeafHashes[..n]);
            for (var i = 0; i < n; i++)
            {
                var proof = Tiled(ProofPlan.Inclusion(i, n), cache, out var read);
                ShouldEqual(proof, tree.InclusionProof(i), $"inclusion {i} of {n}, height {height}");
                if (read > 2 * tileSize)
                    throw new Shouldly.ShouldAssertException($"inclusion {i} of {n}, height {height}: read {read} leaves, want at most two tiles ({2 * tileSize})");
            }
        }
    }

    [Theory]
    [InlineData(0, 200)]
    [InlineData(2, MaxLeaves)]
    [InlineData(3, 600)]
    public void ConsistencyProofsAndRoots_EverySizePair_EqualTheLevelledTree(int height, int maxSize)
    {
        var tileSize = 1L << height;
        var cache = SubtreeHashCache.Empty(height);
        for (var n = 1; n <= maxSize; n++)
        {
            cache = CacheFor(height, n, cache);
            var tree = new LevelledMerkleTree(LeafHashes[..n]);
            var rootRanges = TiledProofBuilder.LeavesNeeded([new LeafRange(0, n)], cache);
            TiledProofBuilder.RootHash(n, cache, Supply(rootRanges)).ShouldBe(tree.RootHash(), $"root of {n}");
            for (var m = 0; m <= n; m++)
            {
                var proof = Tiled(ProofPlan.Consistency(m, n), cache, out var read);
                ShouldEqual(proof, tree.ConsistencyProof(m), $"consistency {m} -> {n}, height {height}");
                if (read > 2 * tileSize)
                    throw new Shouldly.ShouldAssertException($"consistency {m} -> {n}, height {height}: read {read} leaves, want at most two tiles ({2 * tileSize})");
            }
        }
    }

    [Theory]
    [InlineData(100, 1_100)]
    [InlineData(7, 9)]
    [InlineData(0, 1_024)]
    [InlineData(1_023, 1_025)]
    public void Extend_CacheBuiltForNExtendedToM_EqualsCacheBuiltForM(int n, int m)
    {
        const int height = 3;
        var extended = CacheFor(height, m, CacheFor(height, n));
        var direct = CacheFor(height, m);

        extended.TileCount.ShouldBe(direct.TileCount);
        extended.ByteSize.ShouldBe(direct.ByteSize);
        for (var level = height; (1L << level) <= direct.CoveredLeaves; level++)
        {
            for (long begin = 0; begin + (1L << level) <= direct.CoveredLeaves; begin += 1L << level)
            {
                var range = new LeafRange(begin, begin + (1L << level));
                extended.SubtreeHash(range).ToArray().ShouldBe(direct.SubtreeHash(range).ToArray(), $"subtree {range}");
            }
        }
        foreach (var (i, size) in new[] { (0L, (long)m), (m - 1L, m), (m / 2L, m), (5L, m) })
            ShouldEqual(Tiled(ProofPlan.Inclusion(i, size), extended, out _), Tiled(ProofPlan.Inclusion(i, size), direct, out _), $"inclusion {i} of {size}");
    }

    [Fact]
    public void SubtreeHashes_EqualTheReferenceMth()
    {
        var cache = CacheFor(2, 64);
        var data = Rfc9162Reference.Leaves(64);
        foreach (var range in new[] { new LeafRange(0, 4), new LeafRange(60, 64), new LeafRange(32, 64), new LeafRange(0, 64) })
            cache.SubtreeHash(range).ToArray().ShouldBe(Rfc9162Reference.Mth(data.GetRange((int)range.Begin, (int)range.Size)), $"subtree {range}");
    }

    [Fact]
    public void PoisonedTile_EveryProofThatUsesItFailsVerification()
    {
        const int height = 2;
        const int size = 100;
        var honest = CacheFor(height, size);
        var tiles = Enumerable.Range(0, (int)honest.TileCount).Select(t => honest.SubtreeHash(new LeafRange(t * 4L, t * 4L + 4)).ToArray()).ToList();
        tiles[5][0] ^= 0x01; // tile 5 = leaves [20, 24)
        var poisoned = SubtreeHashCache.Empty(height).Append(tiles);
        var root = new LevelledMerkleTree(LeafHashes[..size]).RootHash();

        var failed = 0;
        for (var i = 0; i < size; i++)
        {
            var plan = ProofPlan.Inclusion(i, size);
            var proof = Tiled(plan, poisoned, out _);
            var check = MerkleProofVerifier.VerifyInclusion(i, size, LeafHashes[i], proof, root);
            var usesPoison = !(i >= 20 && i < 24); // every other leaf's path has the subtree holding tile 5 as a sibling
            check.IsValid.ShouldBe(!usesPoison, $"inclusion {i}: {check}");
            if (!check.IsValid)
            {
                check.ExpectedRoot.ShouldBe(root);
                failed++;
            }
        }
        failed.ShouldBe(size - 4);
    }

    [Fact]
    public void Build_NeededLeafMissing_ThrowsNamingTheLeaf()
    {
        var cache = CacheFor(3, 20);
        var plan = ProofPlan.Inclusion(3, 20);

        var ex = Should.Throw<InvalidOperationException>(() => TiledProofBuilder.Build(plan, cache, new Dictionary<long, byte[]>()));

        ex.Message.ShouldContain("was not supplied");
    }

    [Fact]
    public void TileHasher_LeafSkipped_Throws()
    {
        var hasher = new TileHasher(2, 0);
        hasher.Add(0, LeafHashes[0]);

        Should.Throw<InvalidOperationException>(() => hasher.Add(2, LeafHashes[2])).Message.ShouldContain("leaf 1 is missing");
        Should.Throw<ArgumentException>(() => new TileHasher(2, 3));
    }
}

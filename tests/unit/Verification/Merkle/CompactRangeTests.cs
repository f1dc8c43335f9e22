using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

public class CompactRangeTests
{
    private static readonly List<byte[]> Data = Rfc9162Reference.Leaves(64);
    private static readonly List<byte[]> LeafHashes = Data.Select(d => MerkleHasher.HashLeaf(d)).ToList();

    private static CompactRange Build(int begin, int end)
    {
        var range = CompactRange.Empty(begin);
        for (int i = begin; i < end; i++)
        {
            range.Append(LeafHashes[i]);
        }

        return range;
    }

    [Fact]
    public void RootHash_Empty_IsEmptyRoot()
    {
        CompactRange.Empty(0).RootHash().ShouldBe(MerkleHasher.EmptyRoot.ToArray());
    }

    [Fact]
    public void RootHash_AppendedLeavesUpTo64_MatchesReferenceMthAtEverySize()
    {
        var range = CompactRange.Empty(0);
        for (int n = 1; n <= 64; n++)
        {
            range.Append(LeafHashes[n - 1]);
            range.RootHash().ShouldBe(Rfc9162Reference.Mth(Data.Take(n).ToList()), $"size {n}");
            range.NodeCount.ShouldBe(System.Numerics.BitOperations.PopCount((uint)n), $"size {n}");
        }
    }

    [Fact]
    public void AppendRange_EverySplitPointOfSizes1To64_MatchesReferenceMth()
    {
        for (int n = 1; n <= 64; n++)
        {
            var want = Rfc9162Reference.Mth(Data.Take(n).ToList());
            for (int split = 0; split <= n; split++)
            {
                var left = Build(0, split);
                left.AppendRange(Build(split, n));

                left.End.ShouldBe(n);
                left.RootHash().ShouldBe(want, $"size {n} split at {split}");
            }
        }
    }

    [Fact]
    public void AppendRange_ThreeWayMergeOfUnalignedRanges_EqualsSequentialAppend()
    {
        for (int n = 1; n <= 40; n++)
        {
            var sequential = Build(0, n);
            for (int a = 0; a <= n; a += 3)
            {
                for (int b = a; b <= n; b += 5)
                {
                    // Middle range begins at an unaligned index: its decomposition differs from a 0-based one.
                    var middle = Build(a, b);
                    middle.AppendRange(Build(b, n));
                    var merged = Build(0, a);
                    merged.AppendRange(middle);

                    merged.NodeCount.ShouldBe(sequential.NodeCount, $"size {n} splits {a},{b}");
                    merged.RootHash().ShouldBe(sequential.RootHash(), $"size {n} splits {a},{b}");
                }
            }
        }
    }

    [Fact]
    public void AppendRange_NotAdjacent_ThrowsNamingBothEnds()
    {
        var ex = Should.Throw<ArgumentException>(() => Build(0, 3).AppendRange(Build(4, 6)));

        ex.Message.ShouldContain("begins at 4, want 3");
    }

    [Fact]
    public void RootHash_RangeNotStartingAtZero_Throws()
    {
        Should.Throw<InvalidOperationException>(() => Build(2, 5).RootHash());
    }

    [Fact]
    public void Clone_ThenAppend_LeavesOriginalUnchanged()
    {
        var original = Build(0, 5);
        var rootBefore = original.RootHash();

        var copy = original.Clone();
        copy.Append(LeafHashes[5]);

        original.RootHash().ShouldBe(rootBefore);
        original.End.ShouldBe(5);
        copy.RootHash().ShouldBe(Rfc9162Reference.Mth(Data.Take(6).ToList()));
    }

    [Fact]
    public void Append_WrongHashLength_Throws()
    {
        Should.Throw<ArgumentException>(() => CompactRange.Empty(0).Append(new byte[20]));
    }

    [Fact]
    public void NodeCount_65536Leaves_StaysLogarithmic()
    {
        var range = CompactRange.Empty(0);
        var hash = LeafHashes[0];
        int maxNodes = 0;
        for (int i = 0; i < 1 << 16; i++)
        {
            range.Append(hash);
            maxNodes = Math.Max(maxNodes, range.NodeCount);
        }

        maxNodes.ShouldBeLessThanOrEqualTo(16);
        range.NodeCount.ShouldBe(1);
    }

    [Fact]
    public void FromNodeHashes_EverySizeUpTo70_ContinuesLikeTheOriginal()
    {
        var leaves = Enumerable.Range(0, 80).Select(i => MerkleHasher.HashLeaf([(byte)i])).ToArray();
        for (var size = 0; size <= 70; size++)
        {
            var original = CompactRange.Empty();
            foreach (var leaf in leaves.Take(size))
                original.Append(leaf);
            var restored = CompactRange.FromNodeHashes(size, original.NodeHashes());
            restored.RootHash().ShouldBe(original.RootHash());
            foreach (var leaf in leaves.Skip(size).Take(10))
            {
                original.Append(leaf);
                restored.Append(leaf);
            }
            restored.RootHash().ShouldBe(original.RootHash(), $"size {size}");
        }
        Should.Throw<ArgumentException>(() => CompactRange.FromNodeHashes(3, new byte[32]));
    }
}

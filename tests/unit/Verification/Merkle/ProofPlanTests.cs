using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

public class ProofPlanTests
{
    private static readonly List<byte[]> Data = Rfc9162Reference.Leaves(64);
    private static readonly List<byte[]> LeafHashes = Data.Select(d => MerkleHasher.HashLeaf(d)).ToList();

    private static IEnumerable<(long Index, byte[] LeafHash)> Stream(int size) =>
        Enumerable.Range(0, size).Select(i => ((long)i, LeafHashes[i]));

    private static void ShouldEqualProof(IReadOnlyList<byte[]> actual, List<byte[]> expected, string what)
    {
        actual.Count.ShouldBe(expected.Count, $"{what}: proof length");
        for (int i = 0; i < expected.Count; i++)
        {
            actual[i].ShouldBe(expected[i], $"{what}: element {i}");
        }
    }

    [Fact]
    public void Inclusion_AllIndexSizePairsUpTo64_BuilderMatchesReferencePath()
    {
        for (int n = 1; n <= 64; n++)
        {
            var tree = Data.Take(n).ToList();
            for (int m = 0; m < n; m++)
            {
                var proof = ProofBuilder.Build(ProofPlan.Inclusion(m, n), Stream(n));
                ShouldEqualProof(proof, Rfc9162Reference.Path(m, tree), $"inclusion {m}/{n}");
            }
        }
    }

    [Fact]
    public void Consistency_AllSizePairsUpTo64_BuilderMatchesReferenceProof()
    {
        for (int n = 1; n <= 64; n++)
        {
            var tree = Data.Take(n).ToList();
            for (int m = 1; m <= n; m++)
            {
                var proof = ProofBuilder.Build(ProofPlan.Consistency(m, n), Stream(n));
                ShouldEqualProof(proof, Rfc9162Reference.Proof(m, tree), $"consistency {m}->{n}");
            }
        }
    }

    [Fact]
    public void Plans_AllPairsUpTo64_HaveDisjointRangesInsideTheTree()
    {
        for (int n = 1; n <= 64; n++)
        {
            for (int m = 0; m < n; m++)
            {
                var plan = ProofPlan.Inclusion(m, n);
                AssertDisjointWithin(plan, n, $"inclusion {m}/{n}");
                plan.Ranges.ShouldAllBe(r => m < r.Begin || m >= r.End, $"inclusion {m}/{n} must not cover the leaf");
            }

            for (int m = 0; m <= n; m++)
            {
                AssertDisjointWithin(ProofPlan.Consistency(m, n), n, $"consistency {m}->{n}");
            }
        }
    }

    private static void AssertDisjointWithin(ProofPlan plan, long size, string what)
    {
        var sorted = plan.Ranges.OrderBy(r => r.Begin).ToList();
        for (int i = 0; i < sorted.Count; i++)
        {
            sorted[i].Size.ShouldBeGreaterThan(0, what);
            sorted[i].End.ShouldBeLessThanOrEqualTo(size, what);
            if (i > 0)
            {
                sorted[i].Begin.ShouldBeGreaterThanOrEqualTo(sorted[i - 1].End, what);
            }
        }
    }

    [Fact]
    public void Inclusion_LargeTrees_PlanLengthMatchesVerifierDecomposition()
    {
        var random = new Random(9162);
        for (int i = 0; i < 200; i++)
        {
            long size = random.NextInt64(1, 1L << 40);
            long index = random.NextInt64(0, size);
            var plan = ProofPlan.Inclusion(index, size);
            var (inner, border) = MerkleProofVerifier.DecomposeInclusionProof(index, size);

            plan.Ranges.Count.ShouldBe(inner + border, $"index {index} size {size}");
            plan.Ranges.ShouldAllBe(r => r.End <= size && (index < r.Begin || index >= r.End));
        }
    }

    [Fact]
    public void Inclusion_RandomPairsInTreeOf1000_VerifyAgainstReferenceRoot()
    {
        var data = Rfc9162Reference.Leaves(1000);
        var hashes = data.Select(d => MerkleHasher.HashLeaf(d)).ToList();
        var random = new Random(6962);
        for (int i = 0; i < 30; i++)
        {
            int size = random.Next(1, 1001);
            int index = random.Next(0, size);
            var proof = ProofBuilder.Build(ProofPlan.Inclusion(index, size), hashes.Take(size).Select((h, j) => ((long)j, h)));
            var root = Rfc9162Reference.Mth(data.Take(size).ToList());

            Rfc9162Reference.VerifyInclusion(index, size, hashes[index], proof, root).ShouldBeTrue($"index {index} size {size}");
            MerkleProofVerifier.VerifyInclusion(index, size, hashes[index], proof, root).IsValid.ShouldBeTrue();
        }
    }

    [Theory]
    [InlineData(7, 5, "index 7 is beyond tree size 5")]
    [InlineData(5, 5, "index 5 is beyond tree size 5")]
    [InlineData(0, 0, "index 0 is beyond tree size 0")]
    public void Inclusion_IndexNotBelowSize_ThrowsClearMessage(long index, long size, string message)
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => ProofPlan.Inclusion(index, size));

        ex.Message.ShouldStartWith(message);
    }

    [Fact]
    public void Consistency_Size1BeyondSize2_ThrowsClearMessage()
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => ProofPlan.Consistency(6, 4));

        ex.Message.ShouldStartWith("size1 6 is beyond size2 4");
    }

    [Fact]
    public void Consistency_NegativeSize_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => ProofPlan.Consistency(-1, 4));
    }

    [Theory]
    [InlineData(0, 9)]
    [InlineData(9, 9)]
    public void Consistency_TrivialSizes_IsEmpty(long size1, long size2)
    {
        ProofPlan.Consistency(size1, size2).Ranges.ShouldBeEmpty();
    }
}

using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

public class ProofBuilderTests
{
    private static readonly List<byte[]> LeafHashes = Rfc9162Reference.Leaves(40).Select(d => MerkleHasher.HashLeaf(d)).ToList();

    private static async IAsyncEnumerable<(long Index, byte[] LeafHash)> StreamAsync(int size)
    {
        for (int i = 0; i < size; i++)
        {
            await Task.Yield();
            yield return (i, LeafHashes[i]);
        }
    }

    [Fact]
    public async Task BuildAsync_InclusionFromAsyncStream_EqualsSynchronousBuild()
    {
        var plan = ProofPlan.Inclusion(13, 37);

        var proof = await ProofBuilder.BuildAsync(plan, StreamAsync(37));

        proof.ShouldBe(ProofBuilder.Build(plan, LeafHashes.Take(37).Select((h, i) => ((long)i, h))));
    }

    [Fact]
    public void Build_ProofComplete_StopsReadingTheStream()
    {
        int read = 0;
        IEnumerable<(long, byte[])> Counting()
        {
            for (int i = 0; i < 40; i++)
            {
                read++;
                yield return (i, LeafHashes[i]);
            }
        }

        // Consistency 4 -> 8 needs leaves [4, 8) only; nothing after leaf 7 is read.
        ProofBuilder.Build(ProofPlan.Consistency(4, 8), Counting()).Count.ShouldBe(1);

        read.ShouldBe(8);
    }

    [Fact]
    public void Build_OnlyNeededLeavesSupplied_Succeeds()
    {
        var plan = ProofPlan.Inclusion(0, 8);
        var hasher = new SubtreeHasher(plan);
        while (hasher.NextNeededIndex is long next)
        {
            hasher.Add(next, LeafHashes[(int)next]);
        }

        hasher.Proof().ShouldBe(ProofBuilder.Build(plan, LeafHashes.Take(8).Select((h, i) => ((long)i, h))));
    }

    [Fact]
    public void Build_GapInsidePlannedRange_ThrowsNamingMissingLeaf()
    {
        var leaves = LeafHashes.Take(8).Select((h, i) => ((long)i, h)).Where(l => l.Item1 != 6);

        var ex = Should.Throw<InvalidOperationException>(() => ProofBuilder.Build(ProofPlan.Inclusion(0, 8), leaves));

        ex.Message.ShouldContain("leaf 6 of range [4, 8) is missing: got leaf 7");
    }

    [Fact]
    public void Build_StreamEndsEarly_ThrowsIncomplete()
    {
        var ex = Should.Throw<InvalidOperationException>(() =>
            ProofBuilder.Build(ProofPlan.Inclusion(0, 8), LeafHashes.Take(5).Select((h, i) => ((long)i, h))));

        ex.Message.ShouldContain("proof incomplete: leaf 5 was never supplied");
    }

    [Fact]
    public void Add_DescendingIndex_Throws()
    {
        var hasher = new SubtreeHasher(ProofPlan.Inclusion(0, 8));
        hasher.Add(1, LeafHashes[1]);

        Should.Throw<InvalidOperationException>(() => hasher.Add(0, LeafHashes[0])).Message.ShouldContain("got 0 after 1");
    }
}

using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

/// <summary>The review PDF's chain proof: any set of leaves proved against the RFC 9162 root, and every change to it caught.</summary>
public class MultiLeafProofTests
{
    private static readonly List<byte[]> Data = Rfc9162Reference.Leaves(70);
    private static readonly List<byte[]> LeafHashes = Data.Select(d => MerkleHasher.HashLeaf(d)).ToList();

    private static async IAsyncEnumerable<(long Index, byte[] LeafHash)> StreamAsync(int size)
    {
        for (var i = 0; i < size; i++)
        {
            await Task.Yield();
            yield return (i, LeafHashes[i]);
        }
    }

    private static List<(long, byte[])> Leaves(IEnumerable<long> indices) => indices.Select(i => (i, LeafHashes[(int)i])).ToList();

    public static TheoryData<int, long[]> Sets => new()
    {
        { 1, [0] },
        { 2, [1] },
        { 7, [0, 6] },
        { 37, [13] },
        { 37, [10, 11, 12, 13, 14, 15, 16] },
        { 64, [0, 1, 2, 63] },
        { 70, [3, 9, 10, 40, 41, 42, 69] },
        { 70, Enumerable.Range(0, 70).Select(i => (long)i).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task BuildThenRoot_GivesTheTreesRoot(int size, long[] indices)
    {
        var proof = await MultiLeafProof.BuildAsync(size, indices, StreamAsync(size));

        var root = MultiLeafProof.Root(size, Leaves(indices), proof, out var problem);

        problem.ShouldBeNull();
        root.ShouldBe(Rfc9162Reference.Mth(Data.Take(size).ToList()));
    }

    [Fact]
    public async Task OneLeaf_HoldsTheRfc9162AuditPath_InWalkOrder()
    {
        var proof = await MultiLeafProof.BuildAsync(37, [13], StreamAsync(37));

        // The same hashes as the audit path, which lists them from the leaf upward; the walk meets them left to right.
        proof.Select(Convert.ToHexString).ShouldBe(Rfc9162Reference.Path(13, Data.Take(37).ToList()).Select(Convert.ToHexString), ignoreOrder: true);
    }

    [Fact]
    public async Task ContiguousRange_NeedsAtMostTwoHashesPerLevel()
    {
        var indices = Enumerable.Range(20, 30).Select(i => (long)i).ToArray();

        var proof = await MultiLeafProof.BuildAsync(70, indices, StreamAsync(70));

        proof.Count.ShouldBeLessThanOrEqualTo(2 * 7);
    }

    [Fact]
    public async Task AnyChange_GivesAnotherRootOrNone()
    {
        long[] indices = [3, 9, 10, 40];
        var proof = await MultiLeafProof.BuildAsync(70, indices, StreamAsync(70));
        var root = Rfc9162Reference.Mth(Data.Take(70).ToList());

        // A changed proof hash, a changed leaf, a leaf claimed at another index, a proof hash dropped or added.
        var changedProof = proof.Select(h => (byte[])h.Clone()).ToList();
        changedProof[1][0] ^= 1;
        MultiLeafProof.Root(70, Leaves(indices), changedProof, out _).ShouldNotBe(root);
        var changedLeaf = Leaves(indices);
        changedLeaf[2] = (10, LeafHashes[11]);
        MultiLeafProof.Root(70, changedLeaf, proof, out _).ShouldNotBe(root);
        MultiLeafProof.Root(70, Leaves([3, 9, 11, 40]).Select((l, i) => (l.Item1, LeafHashes[(int)indices[i]])).ToList(), proof, out _).ShouldNotBe(root);
        MultiLeafProof.Root(70, Leaves(indices), proof.Skip(1).ToList(), out var fewer).ShouldBeNull();
        fewer.ShouldNotBeNull().ShouldContain("fewer");
        MultiLeafProof.Root(70, Leaves(indices), [.. proof, proof[0]], out var more).ShouldBeNull();
        more.ShouldNotBeNull().ShouldContain("more");
        MultiLeafProof.Root(70, Leaves([9, 3]), proof, out var order).ShouldBeNull();
        order.ShouldNotBeNull().ShouldContain("increase");
        MultiLeafProof.Root(40, Leaves(indices), proof, out var outside).ShouldBeNull();
        outside.ShouldNotBeNull().ShouldContain("outside");
    }

    [Fact]
    public async Task MissingLeafInTheStream_IsAnError()
    {
        static async IAsyncEnumerable<(long, byte[])> Gap()
        {
            await Task.Yield();
            yield return (0, LeafHashes[0]);
            yield return (2, LeafHashes[2]);
        }

        await Should.ThrowAsync<InvalidDataException>(() => MultiLeafProof.BuildAsync(3, [1], Gap()));
    }
}

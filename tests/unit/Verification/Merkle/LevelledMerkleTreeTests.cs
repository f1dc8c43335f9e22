using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

public sealed class LevelledMerkleTreeTests
{
    private static byte[][] Leaves(int n) =>
        Enumerable.Range(0, n).Select(i => MerkleHasher.HashLeaf(BitConverter.GetBytes(i))).ToArray();

    [Fact]
    public void Proofs_AllSizesUpTo40_MatchTheStreamingTree()
    {
        for (var n = 0; n <= 40; n++)
        {
            var leaves = Leaves(n);
            var levelled = new LevelledMerkleTree(leaves);
            var reference = new MerkleTree();
            foreach (var leaf in leaves) reference.AppendLeafHash(leaf);

            levelled.RootHash().ShouldBe(reference.RootHash(n), $"root of {n}");
            for (var i = 0; i < n; i++)
                levelled.InclusionProof(i).ShouldBe(reference.InclusionProof(i, n), $"inclusion {i} of {n}");
            for (var m = 0; m <= n; m++)
            {
                levelled.RootHash(m).ShouldBe(reference.RootHash(m), $"prefix root {m} of {n}");
                levelled.ConsistencyProof(m).ShouldBe(reference.ConsistencyProof(m, n), $"consistency {m}->{n}");
            }
        }
    }

    [Fact]
    public void InclusionProof_IndexBeyondSize_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new LevelledMerkleTree(Leaves(5)).InclusionProof(5));
    }
}

using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

public class MerkleTreeTests
{
    private static readonly List<byte[]> Data = Rfc9162Reference.Leaves(64);

    private static MerkleTree Tree()
    {
        var tree = new MerkleTree();
        Data.ForEach(d => tree.AppendLeaf(d));
        return tree;
    }

    [Fact]
    public void RootHash_EverySizeUpTo64_MatchesReferenceMth()
    {
        var tree = Tree();
        for (int n = 0; n <= 64; n++)
        {
            tree.RootHash(n).ShouldBe(Rfc9162Reference.Mth(Data.Take(n).ToList()), $"size {n}");
        }
    }

    [Fact]
    public void InclusionProof_AllPairsUpTo64_MatchesReferencePath()
    {
        var tree = Tree();
        for (int n = 1; n <= 64; n++)
        {
            for (int m = 0; m < n; m++)
            {
                tree.InclusionProof(m, n).ShouldBe(Rfc9162Reference.Path(m, Data.Take(n).ToList()), $"inclusion {m}/{n}");
            }
        }
    }

    [Fact]
    public void ConsistencyProof_AllPairsUpTo64_MatchesReferenceProof()
    {
        var tree = Tree();
        for (int n = 1; n <= 64; n++)
        {
            for (int m = 1; m <= n; m++)
            {
                tree.ConsistencyProof(m, n).ShouldBe(Rfc9162Reference.Proof(m, Data.Take(n).ToList()), $"consistency {m}->{n}");
            }
        }
    }

    [Fact]
    public void RootHash_SizeBeyondLeaves_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Tree().RootHash(65)).Message.ShouldContain("tree size 65 is beyond the 64 leaves held");
    }

    [Fact]
    public void AppendLeafHash_SameAsAppendLeaf_GivesSameRoot()
    {
        var byHash = new MerkleTree();
        Data.ForEach(d => byHash.AppendLeafHash(MerkleHasher.HashLeaf(d)));

        byHash.RootHash(64).ShouldBe(Tree().RootHash(64));
        byHash.LeafHash(3).ShouldBe(MerkleHasher.HashLeaf(Data[3]));
    }
}

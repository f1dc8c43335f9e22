using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

/// <summary>The step-by-step walks shown on screen reach the same roots and verdicts as the fast verifier.</summary>
public class MerkleProofStepsTests
{
    private static MerkleTree Tree(int size)
    {
        var tree = new MerkleTree();
        foreach (var leaf in Rfc9162Reference.Leaves(size))
            tree.AppendLeaf(leaf);
        return tree;
    }

    [Fact]
    public void Inclusion_EveryIndexUpTo17_RecomputesTheRootAndIsValid()
    {
        var tree = Tree(17);
        for (var size = 1; size <= 17; size++)
        {
            for (var index = 0; index < size; index++)
            {
                var proof = tree.InclusionProof(index, size);
                var walk = MerkleProofSteps.Inclusion(index, size, tree.LeafHash(index), proof, tree.RootHash(size));

                walk.Result.IsValid.ShouldBeTrue($"{index} of {size}");
                walk.Root.ShouldBe(HashHex.ToHex(tree.RootHash(size)), $"{index} of {size}");
                walk.Steps.Count.ShouldBe(proof.Count);
                walk.Steps.Select(s => s.Element).ShouldBe(proof.Select(p => HashHex.ToHex(p)));
            }
        }
    }

    [Fact]
    public void Inclusion_FlippedElement_WalkReachesAnotherRootAndIsInvalid()
    {
        var tree = Tree(8);
        var proof = tree.InclusionProof(5, 8).Select(p => (byte[])p.Clone()).ToArray();
        proof[1][0] ^= 1;

        var walk = MerkleProofSteps.Inclusion(5, 8, tree.LeafHash(5), proof, tree.RootHash(8));

        walk.Result.IsValid.ShouldBeFalse();
        walk.Root.ShouldNotBe(HashHex.ToHex(tree.RootHash(8)));
    }

    [Fact]
    public void Inclusion_KnownShape_SidesFollowTheIndexBits()
    {
        var tree = Tree(8);
        // leaf 5 = 0b101: its sibling 4 is on the left, then the pair 6-7 on the right, then 0-3 on the left.
        var walk = MerkleProofSteps.Inclusion(5, 8, tree.LeafHash(5), tree.InclusionProof(5, 8), tree.RootHash(8));

        walk.Steps.Select(s => s.Side).ShouldBe([ProofSide.Left, ProofSide.Right, ProofSide.Left]);
    }

    [Fact]
    public void Consistency_EverySizePairUpTo17_RecomputesBothRoots()
    {
        var tree = Tree(17);
        for (var size2 = 2; size2 <= 17; size2++)
        {
            for (var size1 = 1; size1 < size2; size1++)
            {
                var proof = tree.ConsistencyProof(size1, size2);
                var walk = MerkleProofSteps.Consistency(size1, size2, proof, tree.RootHash(size1), tree.RootHash(size2));

                walk.Result.IsValid.ShouldBeTrue($"{size1} to {size2}");
                walk.RootFirst.ShouldBe(HashHex.ToHex(tree.RootHash(size1)), $"{size1} to {size2}");
                walk.Root.ShouldBe(HashHex.ToHex(tree.RootHash(size2)), $"{size1} to {size2}");
            }
        }
    }

    [Fact]
    public void Consistency_WrongSecondRoot_WalkShowsTheRealRootAndIsInvalid()
    {
        var tree = Tree(8);
        var proof = tree.ConsistencyProof(3, 8);

        var walk = MerkleProofSteps.Consistency(3, 8, proof, tree.RootHash(3), tree.RootHash(7));

        walk.Result.IsValid.ShouldBeFalse();
        walk.Root.ShouldBe(HashHex.ToHex(tree.RootHash(8)));
    }
}

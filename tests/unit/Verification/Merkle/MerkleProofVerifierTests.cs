using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

public class MerkleProofVerifierTests
{
    private static readonly List<byte[]> Data = Rfc9162Reference.Leaves(64);
    private static readonly MerkleTree Tree = BuildTree();

    private static MerkleTree BuildTree()
    {
        var tree = new MerkleTree();
        Data.ForEach(d => tree.AppendLeaf(d));
        return tree;
    }

    [Fact]
    public void VerifyInclusion_EveryValidProofUpTo64_IsValidAndAgreesWithRfcAlgorithm()
    {
        for (int n = 1; n <= 64; n++)
        {
            var root = Tree.RootHash(n);
            for (int m = 0; m < n; m++)
            {
                var proof = Tree.InclusionProof(m, n);
                var leaf = Tree.LeafHash(m);

                var result = MerkleProofVerifier.VerifyInclusion(m, n, leaf, proof, root);

                result.IsValid.ShouldBeTrue($"{m}/{n}: {result}");
                result.CalculatedRoot.ShouldBe(root);
                Rfc9162Reference.VerifyInclusion(m, n, leaf, proof, root).ShouldBeTrue($"reference {m}/{n}");
            }
        }
    }

    [Fact]
    public void VerifyConsistency_EveryValidProofUpTo64_IsValidAndAgreesWithRfcAlgorithm()
    {
        for (int n = 0; n <= 64; n++)
        {
            var root2 = Tree.RootHash(n);
            for (int m = 0; m <= n; m++)
            {
                var root1 = Tree.RootHash(m);
                var proof = Tree.ConsistencyProof(m, n);

                var result = MerkleProofVerifier.VerifyConsistency(m, n, proof, root1, root2);

                result.IsValid.ShouldBeTrue($"{m}->{n}: {result}");
                if (m > 0 && m < n)
                {
                    Rfc9162Reference.VerifyConsistency(m, n, root1, root2, [.. proof]).ShouldBeTrue($"reference {m}->{n}");
                    result.CalculatedRoot2.ShouldBe(root2);
                }
            }
        }
    }

    [Fact]
    public void RootFromInclusionProof_ValidProof_ReturnsTheRoot()
    {
        var result = MerkleProofVerifier.RootFromInclusionProof(5, 13, Tree.LeafHash(5), Tree.InclusionProof(5, 13));

        result.IsValid.ShouldBeTrue();
        result.CalculatedRoot.ShouldBe(Tree.RootHash(13));
    }

    [Fact]
    public void RootsFromConsistencyProof_ValidProof_ReturnsBothRoots()
    {
        var result = MerkleProofVerifier.RootsFromConsistencyProof(6, 13, Tree.ConsistencyProof(6, 13), Tree.RootHash(6));

        result.CalculatedRoot.ShouldBe(Tree.RootHash(6));
        result.CalculatedRoot2.ShouldBe(Tree.RootHash(13));
    }

    [Fact]
    public void VerifyInclusion_IndexBeyondSize_FailsBeforeHashingWithReason()
    {
        var result = MerkleProofVerifier.VerifyInclusion(7, 5, Tree.LeafHash(4), Tree.InclusionProof(4, 5), Tree.RootHash(5));

        result.Failure.ShouldBe(ProofFailureKind.InvalidArguments);
        result.Message.ShouldBe("index 7 is beyond tree size 5");
    }

    [Fact]
    public void VerifyInclusion_ShortProof_ReportsGotAndWant()
    {
        var proof = Tree.InclusionProof(5, 13).Take(2).ToList();

        var result = MerkleProofVerifier.VerifyInclusion(5, 13, Tree.LeafHash(5), proof, Tree.RootHash(13));

        result.Failure.ShouldBe(ProofFailureKind.WrongProofLength);
        result.Message.ShouldBe("wrong proof length: got 2, want 4");
    }

    [Fact]
    public void VerifyInclusion_WrongRoot_CarriesExpectedAndCalculatedRoots()
    {
        var wrongRoot = Tree.RootHash(12);

        var result = MerkleProofVerifier.VerifyInclusion(5, 13, Tree.LeafHash(5), Tree.InclusionProof(5, 13), wrongRoot);

        result.Failure.ShouldBe(ProofFailureKind.RootMismatch);
        result.ExpectedRoot.ShouldBe(wrongRoot);
        result.CalculatedRoot.ShouldBe(Tree.RootHash(13));
        result.Message.ShouldContain(Convert.ToHexStringLower(wrongRoot));
    }

    [Fact]
    public void VerifyInclusion_ShortElement_FailsAsMalformed()
    {
        var proof = Tree.InclusionProof(5, 13).ToList();
        proof[1] = proof[1][..31];

        var result = MerkleProofVerifier.VerifyInclusion(5, 13, Tree.LeafHash(5), proof, Tree.RootHash(13));

        result.Failure.ShouldBe(ProofFailureKind.MalformedHash);
        result.Message.ShouldBe("proof element 1 is 31 bytes, want 32");
    }

    [Fact]
    public void VerifyConsistency_Size2BelowSize1_FailsWithReason()
    {
        var result = MerkleProofVerifier.VerifyConsistency(8, 6, [], Tree.RootHash(8), Tree.RootHash(6));

        result.Failure.ShouldBe(ProofFailureKind.InvalidArguments);
        result.Message.ShouldBe("size1 8 is beyond size2 6");
    }

    [Fact]
    public void VerifyConsistency_SecondRootWrong_NamesSecondRoot()
    {
        var result = MerkleProofVerifier.VerifyConsistency(6, 13, Tree.ConsistencyProof(6, 13), Tree.RootHash(6), Tree.RootHash(14));

        result.Failure.ShouldBe(ProofFailureKind.RootMismatch);
        result.Message.ShouldStartWith("second root mismatch");
        result.ExpectedRoot.ShouldBe(Tree.RootHash(14));
        result.CalculatedRoot.ShouldBe(Tree.RootHash(13));
    }

    [Fact]
    public void VerifyConsistency_FromEmptyTreeWithEmptyRoot_IsValid()
    {
        MerkleProofVerifier.VerifyConsistency(0, 9, [], MerkleHasher.EmptyRoot, Tree.RootHash(9)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void VerifyConsistency_FromEmptyTreeWithOtherRoot_Fails()
    {
        MerkleProofVerifier.VerifyConsistency(0, 9, [], Tree.RootHash(1), Tree.RootHash(9)).Failure.ShouldBe(ProofFailureKind.RootMismatch);
    }

    [Fact]
    public void VerifyConsistency_BothSizesZeroWithOtherRoot2_Fails()
    {
        var result = MerkleProofVerifier.VerifyConsistency(0, 0, [], MerkleHasher.EmptyRoot, Tree.RootHash(1));

        result.Failure.ShouldBe(ProofFailureKind.RootMismatch);
        result.Message.ShouldStartWith("second root mismatch");
    }

    [Fact]
    public void VerifyConsistency_EqualSizesWithDifferentRoots_Fails()
    {
        MerkleProofVerifier.VerifyConsistency(5, 5, [], Tree.RootHash(5), Tree.RootHash(6)).Failure.ShouldBe(ProofFailureKind.RootMismatch);
    }
}

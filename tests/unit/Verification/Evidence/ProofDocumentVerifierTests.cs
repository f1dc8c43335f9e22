using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Verification.Evidence;

public sealed class ProofDocumentVerifierTests
{
    [Fact]
    public void Verify_InclusionProofsForEverySeqAndSize_AreIntact()
    {
        using var t = new TestBundles(9);
        for (var size = 1; size <= 9; size++)
            for (var seq = 1; seq <= size; seq++)
                ProofDocumentVerifier.Verify(t.Inclusion(seq, size), t.Signer.PublicKey).Findings.ShouldBeEmpty($"{seq} in {size}");
    }

    [Fact]
    public void Verify_ConsistencyProofsForEveryPair_AreIntact()
    {
        using var t = new TestBundles(9);
        for (var n = 1; n <= 9; n++)
            for (var m = 0; m <= n; m++)
                ProofDocumentVerifier.Verify(t.Consistency(m, n), t.Signer.PublicKey).Findings.ShouldBeEmpty($"{m} -> {n}");
    }

    [Fact]
    public void Verify_InclusionMutations_EachFail()
    {
        using var t = new TestBundles(9);
        var good = t.Inclusion(4, 7);
        InclusionProofDocument[] probes =
        [
            good with { Seq = 5, LeafIndex = 4 },
            good with { TreeSize = 8 },
            good with { RootHash = t.Inclusion(4, 8).RootHash },
            good with { Proof = good.Proof.Reverse().ToArray() },
            good with { Proof = [.. good.Proof, new string('1', 64)] },
            good with { Canonical = good.Canonical.Replace("\"n\":4", "\"n\":5", StringComparison.Ordinal) },
            good with { Checkpoint = null },
            good with { Checkpoint = t.Inclusion(4, 8).Checkpoint },
        ];
        foreach (var (probe, i) in probes.Select((p, i) => (p, i)))
            ProofDocumentVerifier.Verify(probe, t.Signer.PublicKey).Intact.ShouldBeFalse($"probe {i} passed");
    }

    [Fact]
    public void Verify_ConsistencyMutations_EachFail()
    {
        using var t = new TestBundles(9);
        var good = t.Consistency(3, 7);
        ConsistencyProofDocument[] probes =
        [
            good with { Size1 = 4 },
            good with { Root1 = t.Consistency(4, 7).Root1 },
            good with { Root2 = t.Consistency(3, 8).Root2 },
            good with { Proof = good.Proof.Skip(1).ToArray() },
            good with { Checkpoint2 = null },
            good with { Checkpoint1 = t.Consistency(4, 7).Checkpoint1 },
        ];
        foreach (var (probe, i) in probes.Select((p, i) => (p, i)))
            ProofDocumentVerifier.Verify(probe, t.Signer.PublicKey).Intact.ShouldBeFalse($"probe {i} passed");
    }

    [Fact]
    public void EvidenceFile_UnknownFormatOrGarbage_IsAFormatError()
    {
        Should.Throw<FormatException>(() => EvidenceFile.Verify("""{"format":"nope"}"""));
        Should.Throw<FormatException>(() => EvidenceFile.Verify("not json"));
    }

    [Fact]
    public void EvidenceFile_KnownFormatMissingMembers_IsAFindingNotAnError()
    {
        var report = EvidenceFile.Verify("""{"format":"auditportal-evidence/v1"}""");
        report.Intact.ShouldBeFalse();
        report.Findings.ShouldHaveSingleItem().Check.ShouldBe("member");
    }
}

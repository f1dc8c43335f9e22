using System.Text.Json;

namespace AuditPortal.Tests.Verification.Evidence;

/// <summary>
/// The JavaScript verifier in tools/independent-verifier was written from docs/ledger-format.md alone.
/// It must accept what the C# side exports and reject every probe the C# verifier rejects, naming the same
/// check. (It also runs on every case of testdata/format, in FormatCaseTests, and on documents exported
/// from a real database, in CliProofTests.)
/// </summary>
public sealed class IndependentVerifierTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-indep-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public void IndependentVerifier_ExportedDocuments_AreIntact()
    {
        using var t = new TestBundles();
        var key = t.Signer.PublicKey.ToPem();
        foreach (var document in new object[] { t.Bundle(), t.Inclusion(4, 11), t.Inclusion(1, 1), t.Consistency(3, 11), t.Consistency(0, 11), t.Consistency(11, 11) })
        {
            var (code, output) = IndependentVerifier.RunOnText(dir, JsonSerializer.Serialize(document), key);
            output.ShouldContain("INTACT");
            code.ShouldBe(0, output);
        }
    }

    [Fact]
    public void IndependentVerifier_OtherTrustedKey_IsAFinding()
    {
        using var t = new TestBundles();
        using var other = AuditPortal.Verification.Checkpoints.CheckpointSigner.Generate();
        var (code, output) = IndependentVerifier.RunOnText(dir, JsonSerializer.Serialize(t.Bundle()), other.PublicKey.ToPem());
        code.ShouldBe(1, output);
        output.ShouldContain("FINDING trusted_key ");
    }

    [Theory]
    [MemberData(nameof(EvidenceBundleVerifierTests.Tampers), MemberType = typeof(EvidenceBundleVerifierTests))]
    public void IndependentVerifier_TamperedBundle_ReportsTheSameCheck(string tamper, string expectedCheck)
    {
        using var t = new TestBundles();
        var json = JsonSerializer.Serialize(EvidenceBundleVerifierTests.Tamper(t, t.Bundle(), tamper));
        if (expectedCheck == "format")
        {
            // An unknown format is not a finding but "nothing checked" (§8.6), for `evidence verify` as for this verifier.
            IndependentVerifier.RunOnText(dir, json).Code.ShouldBe(2);
            return;
        }
        ShouldFailWith(json, null, expectedCheck);
    }

    [Theory]
    [MemberData(nameof(StrictVerifierMutationTests.RepeatedMembers), MemberType = typeof(StrictVerifierMutationTests))]
    public void IndependentVerifier_RepeatedMember_IsRejected(string member)
    {
        using var probes = new StrictVerifierMutationTests();
        ShouldFailWith(probes.RepeatedMemberProbe(member), probes.PublicKeyPem, "duplicate_member");
    }

    [Theory]
    [MemberData(nameof(StrictVerifierMutationTests.DocumentProbes), MemberType = typeof(StrictVerifierMutationTests))]
    public void IndependentVerifier_DocumentMutation_ReportsTheSameCheck(string probe, string check)
    {
        using var probes = new StrictVerifierMutationTests();
        ShouldFailWith(probes.DocumentProbe(probe), probes.PublicKeyPem, check);
    }

    [Theory]
    [MemberData(nameof(StrictVerifierMutationTests.RecordProbes), MemberType = typeof(StrictVerifierMutationTests))]
    public void IndependentVerifier_RecordRuleBroken_ReportsTheSameCheck(string probe, string check)
    {
        using var probes = new StrictVerifierMutationTests();
        ShouldFailWith(probes.RecordProbe(probe), probes.PublicKeyPem, check);
    }

    [Theory]
    [MemberData(nameof(StrictVerifierMutationTests.CheckpointProbes), MemberType = typeof(StrictVerifierMutationTests))]
    public void IndependentVerifier_CheckpointMutation_ReportsTheSameCheck(string probe, string check)
    {
        using var probes = new StrictVerifierMutationTests();
        ShouldFailWith(probes.CheckpointProbe(probe), probes.PublicKeyPem, check);
    }

    private void ShouldFailWith(string json, string? publicKeyPem, string check)
    {
        var (code, output) = IndependentVerifier.RunOnText(dir, json, publicKeyPem);
        code.ShouldBe(1, output);
        output.ShouldContain($"FINDING {check} ", Case.Sensitive, output);
    }

    [Theory]
    [InlineData("a", "1", 11)]
    [InlineData("b", "2", 8)]
    [InlineData("c", "3", 11)]
    [InlineData("0", "0", 11)]
    public void IndependentVerifier_Version2Bundle_IsIntact(string type, string id, long size)
    {
        using var t = new TestBundles();
        var (code, output) = IndependentVerifier.RunOnText(dir, JsonSerializer.Serialize(t.BundleV2(type, id, size)), t.Signer.PublicKey.ToPem());
        output.ShouldContain("INTACT");
        code.ShouldBe(0, output);
    }

    [Theory]
    [MemberData(nameof(EvidenceBundleV2VerifierTests.Tampers), MemberType = typeof(EvidenceBundleV2VerifierTests))]
    public void IndependentVerifier_TamperedVersion2Bundle_ReportsTheSameCheck(string tamper, string expectedCheck)
    {
        using var t = new TestBundles();
        var json = JsonSerializer.Serialize(EvidenceBundleV2VerifierTests.Tamper(t, t.BundleV2(), tamper));
        if (expectedCheck == "format")
        {
            IndependentVerifier.RunOnText(dir, json).Code.ShouldBe(2); // unknown format: nothing checked (§8.6)
            return;
        }
        ShouldFailWith(json, null, expectedCheck);
    }
}

using System.Text.Json;
using AuditPortal.Cli;
using AuditPortal.Tests.Cli;

namespace AuditPortal.Tests.Verification.Evidence;

/// <summary>
/// Regression (issue 13): `auditportal evidence verify` said INTACT, even with --public-key, for a document that
/// repeats canonical, root_hash, public_key, events or complete — the last value won while a person or another
/// parser read the first. Each now exits 1 with the finding duplicate_member and its path.
/// </summary>
public sealed class RepeatedMemberSaidIntactTests : IDisposable
{
    private readonly TestBundles t = new();
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-repeat-");

    public void Dispose()
    {
        t.Dispose();
        dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData("canonical", "$.events[0].canonical")]
    [InlineData("root_hash", "$.root_hash")]
    [InlineData("public_key", "$.public_key")]
    [InlineData("events", "$.events")]
    [InlineData("complete", "$.stream.complete")]
    public async Task EvidenceVerify_RepeatedMember_ExitsWithFindingsNotIntact(string member, string path)
    {
        using var other = AuditPortal.Verification.Checkpoints.CheckpointSigner.Generate();
        var (document, forged) = member switch
        {
            "canonical" => (JsonSerializer.Serialize(t.Bundle()), JsonSerializer.Serialize(t.Bundle().Events[1].Canonical)),
            "root_hash" => (JsonSerializer.Serialize(t.Inclusion(4, 11)), "\"" + new string('a', 64) + "\""),
            "public_key" => (JsonSerializer.Serialize(t.Bundle()), JsonSerializer.Serialize(other.PublicKey.ToPem())),
            "events" => (JsonSerializer.Serialize(t.Bundle()), "[]"),
            _ => (JsonSerializer.Serialize(t.Bundle()), "false"),
        };
        var documentPath = Path.Combine(dir.FullName, member + ".json");
        var keyPath = Path.Combine(dir.FullName, "key.pem");
        await File.WriteAllTextAsync(documentPath, StrictVerifierMutationTests.Repeat(document, member, forged));
        await File.WriteAllTextAsync(keyPath, t.Signer.PublicKey.ToPem());

        var (code, output, error) = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", documentPath, "--public-key", keyPath);

        code.ShouldBe(ExitCodes.Findings, output + error);
        output.ShouldContain($"FINDING duplicate_member at seq - ({path})");
        output.ShouldNotContain("INTACT");
    }
}

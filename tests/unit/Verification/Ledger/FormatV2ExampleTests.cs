using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using AuditPortal.Verification.StreamHeads;

namespace AuditPortal.Tests.Verification.Ledger;

/// <summary>
/// The format 2 worked example of docs/ledger-format.md §9.4 (testdata/format/v2-example.json): stream-head leaves,
/// the stream-head root, the checkpoint text, the signed note, the vkeys and the head and absence proofs of the §9
/// example ledger. Recomputed here from the inputs; only the ECDSA signature is taken from the file (ECDSA is
/// randomized; Ed25519 is not). Regenerate with AUDITPORTAL_REGENERATE_FORMAT=1.
/// </summary>
public sealed class FormatV2ExampleTests
{
    private static readonly string ExamplePath = Path.Combine(AppContext.BaseDirectory, "testdata", "format", "v2-example.json");

    // RFC 8032 §7.1 TEST 1's secret key: a throwaway key for the example only.
    internal const string ExampleEd25519PrivateKey = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
        -----END PRIVATE KEY-----
        """;

    private static JsonObject Compute(byte[]? ecdsaSignature)
    {
        using var signer = CheckpointSigner.FromPem(FormatExampleTests.ExamplePrivateKey, ExampleEd25519PrivateKey);
        var events = FormatExampleTests.Events();
        var heads = new StreamHeadTree();
        foreach (var e in events)
            heads.Set(e.Stream, e.StreamSeq, e.Hash);
        var commitment = heads.Commit();
        var tree = new LevelledMerkleTree(events.Select(e => e.Hash!).ToArray());
        var checkpoint = new Checkpoint("ledger/example", events.Count, tree.RootHash(), new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc), commitment);
        var signed = signer.Sign(checkpoint);
        var note = SignedNote.Parse(signed.Note!);
        if (ecdsaSignature is not null)
            note = note with { Signatures = [note.Signatures[0] with { Signature = ecdsaSignature }, note.Signatures[1]] };
        var options = new JsonSerializerOptions { WriteIndented = false };
        return new JsonObject
        {
            ["stream_heads"] = new JsonObject
            {
                ["leaves"] = new JsonArray(heads.Leaves().Select(l => (JsonNode)new JsonObject
                {
                    ["stream_type"] = l.StreamType,
                    ["stream_id"] = l.StreamId,
                    ["stream_seq"] = l.StreamSeq,
                    ["leaf_hash"] = HashHex.ToHex(l.LeafHash),
                    ["head_leaf_hex"] = Convert.ToHexStringLower(l.ToBytes()),
                    ["head_leaf_hash"] = HashHex.ToHex(l.Hash()),
                }).ToArray()),
                ["count"] = commitment.Count,
                ["root"] = HashHex.ToHex(commitment.Root),
                ["root_base64"] = Convert.ToBase64String(commitment.Root),
            },
            ["checkpoint"] = new JsonObject
            {
                ["text"] = checkpoint.ToText(),
                ["note"] = note.ToString(),
                ["ed25519_public_key_pem"] = signer.Ed25519!.ExportPublicKeyPem(),
                ["vkeys"] = new JsonArray(signer.VerifierKeys("ledger/example").Select(k => (JsonNode)k.ToString()).ToArray()),
            },
            ["stream_head_proofs"] = new JsonObject
            {
                ["account/acc-000001"] = JsonSerializer.SerializeToNode(StreamHeadProofs.Build(heads.Leaves(), new StreamKey("account", "acc-000001")), options),
                ["account/acc-000002"] = JsonSerializer.SerializeToNode(StreamHeadProofs.Build(heads.Leaves(), new StreamKey("account", "acc-000002")), options),
            },
        };
    }

    [Fact]
    public void Example_CommittedValues_AreWhatTheCodeComputes()
    {
        if (Environment.GetEnvironmentVariable("AUDITPORTAL_REGENERATE_FORMAT") == "1")
        {
            var target = Path.Combine(FormatExampleTests.RepoRoot(), "tests", "unit", "testdata", "format", "v2-example.json");
            File.WriteAllText(target, Compute(null).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
            return;
        }
        var committed = JsonNode.Parse(File.ReadAllText(ExamplePath))!.AsObject();
        var note = SignedNote.Parse(committed["checkpoint"]!["note"]!.GetValue<string>());
        Compute(note.Signatures[0].Signature).ToJsonString().ShouldBe(committed.ToJsonString());

        using var signer = CheckpointSigner.FromPem(FormatExampleTests.ExamplePrivateKey, ExampleEd25519PrivateKey);
        foreach (var vkey in committed["checkpoint"]!["vkeys"]!.AsArray())
            note.IsSignedBy(NoteVerifierKey.Parse(vkey!.GetValue<string>())).ShouldBeTrue();
    }

    [Fact]
    public void Example_InDocs_QuotesTheCommittedValues()
    {
        var doc = File.ReadAllText(Path.Combine(FormatExampleTests.RepoRoot(), "docs", "ledger-format.md"));
        var committed = JsonNode.Parse(File.ReadAllText(ExamplePath))!;
        foreach (var leaf in committed["stream_heads"]!["leaves"]!.AsArray())
        {
            doc.ShouldContain(leaf!["head_leaf_hex"]!.GetValue<string>());
            doc.ShouldContain(leaf["head_leaf_hash"]!.GetValue<string>());
        }
        doc.ShouldContain(committed["stream_heads"]!["root"]!.GetValue<string>());
        doc.ShouldContain(committed["checkpoint"]!["note"]!.GetValue<string>());
        foreach (var vkey in committed["checkpoint"]!["vkeys"]!.AsArray())
            doc.ShouldContain(vkey!.GetValue<string>());
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Ledger;

/// <summary>
/// The worked example of docs/ledger-format.md §9 lives in testdata/format/example.json. This test
/// recomputes every value in it from the inputs, so the document cannot drift from the code.
/// Regenerate with AUDITPORTAL_REGENERATE_FORMAT=1 (the signature changes: ECDSA is randomized).
/// </summary>
public sealed class FormatExampleTests
{
    private static readonly string ExamplePath = Path.Combine(AppContext.BaseDirectory, "testdata", "format", "example.json");

    // A throwaway key for the example only; never used for anything else.
    internal const string ExamplePrivateKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgMpFVpsMgM2M1SLbB
        2hpEpgOzVORnX8pjn9CEs458qEuhRANCAATc+q5L7ZnYXKISRs4yPY/v+0ZzSpmN
        dw8//GiPUOfGC1lfvhRmKV0NubRGE8gBuCE0vzQw2y+sDcBkYDlkLQxE
        -----END PRIVATE KEY-----
        """;

    /// <summary>The example subject's AES-256 key (bytes 0x00…0x1f): a throwaway, so the §9.1 envelope can be opened.</summary>
    internal static readonly byte[] ExampleSubjectKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    /// <summary>
    /// The personal field of event 1 as §7 encrypts it: plaintext <c>"Erika Mustermann"</c> (canonical JSON), subject
    /// <c>subj-000001</c>, field <c>holder</c>, a 12-byte zero IV (fixed only so the example is reproducible; a real
    /// IV is random and never reused under one key).
    /// </summary>
    internal static string ExampleEnvelope()
    {
        byte[] iv = new byte[12], plaintext = Encoding.UTF8.GetBytes("\"Erika Mustermann\""), tag = new byte[16];
        var ciphertext = new byte[plaintext.Length];
        using var aes = new System.Security.Cryptography.AesGcm(ExampleSubjectKey, 16);
        aes.Encrypt(iv, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes("subj-000001\nholder"));
        return $$"""{"ct":"{{Convert.ToBase64String([.. ciphertext, .. tag])}}","enc":"A256GCM","iv":"{{Convert.ToBase64String(iv)}}","sub":"subj-000001"}""";
    }

    internal static List<LedgerEvent> Events()
    {
        var t0 = new DateTime(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);
        var specs = new (string Type, string Id, string Action, string Payload, int Minutes, int OccurredOffsetDays)[]
        {
            ("account", "acc-000001", "account.opened", $$"""{"currency":"EUR","holder":{{ExampleEnvelope()}}}""", 0, 0),
            ("account", "acc-000001", "cash.deposited", """{"amount":"1500.00","currency":"EUR"}""", 1, 0),
            ("instrument", "DE0005557508", "instrument.listed", """{"isin":"DE0005557508","name":"Deutsche Telekom AG"}""", 2, 0),
            ("account", "acc-000001", "dividend.paid", """{"amount":"12.40","currency":"EUR","isin":"DE0005557508"}""", 3, -14),
        };
        var events = new List<LedgerEvent>();
        var heads = new Dictionary<StreamKey, LedgerEvent>();
        foreach (var (s, i) in specs.Select((s, i) => (s, i)))
        {
            var stream = new StreamKey(s.Type, s.Id);
            heads.TryGetValue(stream, out var head);
            var e = new LedgerEvent
            {
                Seq = i + 1,
                EventId = Guid.Parse($"018df3a0-5c00-7000-8000-00000000000{i + 1}"),
                StreamType = s.Type,
                StreamId = s.Id,
                StreamSeq = (head?.StreamSeq ?? 0) + 1,
                OccurredAt = t0.AddMinutes(s.Minutes).AddDays(s.OccurredOffsetDays),
                RecordedAt = t0.AddMinutes(s.Minutes).AddTicks(1230),
                Actor = i == 2 ? "svc:custody-feed" : "svc:kyc",
                Action = s.Action,
                ClientAddress = i == 2 ? null : "10.0.0.7",
                SchemaVersion = 1,
                PayloadJson = s.Payload,
                Lineage = i == 3 ? new LedgerLineage([Guid.Parse("018df3a0-5c00-7000-8000-000000000003")], "dividend.entitlement", "2024.1") : null,
                IdempotencyKey = i == 1 ? "cash-feed:991" : null,
                PrevHash = events.Count == 0 ? HashHex.Zero : events[^1].Hash!,
                StreamPrevHash = head?.Hash ?? HashHex.Zero,
            };
            e = e with { Hash = EventRecord.LeafHash(e) };
            events.Add(e);
            heads[stream] = e;
        }
        return events;
    }

    private static JsonObject Compute(byte[]? signature)
    {
        using var signer = CheckpointSigner.FromPem(ExamplePrivateKey);
        var events = Events();
        var tree = new LevelledMerkleTree(events.Select(e => e.Hash!).ToArray());
        var checkpoint = new Checkpoint("ledger/example", events.Count, tree.RootHash(), new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc));
        signature ??= signer.Sign(checkpoint).Signature;
        return new JsonObject
        {
            ["events"] = new JsonArray(events.Select(e => (JsonNode)new JsonObject
            {
                ["canonical"] = Encoding.UTF8.GetString(EventRecord.CanonicalBytes(e)),
                ["leaf_hash"] = HashHex.ToHex(e.Hash!),
            }).ToArray()),
            ["tree"] = new JsonObject
            {
                ["roots_by_size"] = new JsonArray(Enumerable.Range(1, events.Count).Select(n => (JsonNode)HashHex.ToHex(tree.RootHash(n))).ToArray()),
                ["inclusion_proof_seq_2_size_4"] = new JsonArray(tree.InclusionProof(1).Select(h => (JsonNode)HashHex.ToHex(h)).ToArray()),
                ["consistency_proof_3_to_4"] = new JsonArray(tree.ConsistencyProof(3).Select(h => (JsonNode)HashHex.ToHex(h)).ToArray()),
            },
            ["envelope"] = new JsonObject
            {
                ["subject_key_hex"] = Convert.ToHexStringLower(ExampleSubjectKey),
                ["aad"] = "subj-000001\nholder",
                ["plaintext"] = "\"Erika Mustermann\"",
                ["envelope"] = ExampleEnvelope(),
            },
            ["checkpoint"] = new JsonObject
            {
                ["text"] = checkpoint.ToText(),
                ["signature_base64"] = Convert.ToBase64String(signature),
                ["public_key_pem"] = signer.PublicKey.ToPem(),
                ["key_id"] = signer.PublicKey.KeyId,
            },
        };
    }

    [Fact]
    public void Example_CommittedValues_AreWhatTheCodeComputes()
    {
        if (Environment.GetEnvironmentVariable("AUDITPORTAL_REGENERATE_FORMAT") == "1")
        {
            var target = Path.Combine(RepoRoot(), "tests", "unit", "testdata", "format", "example.json");
            File.WriteAllText(target, Compute(null).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return;
        }
        var committed = JsonNode.Parse(File.ReadAllText(ExamplePath))!.AsObject();
        var signature = Convert.FromBase64String(committed["checkpoint"]!["signature_base64"]!.GetValue<string>());
        var computed = Compute(signature);
        computed.ToJsonString().ShouldBe(committed.ToJsonString());

        var key = CheckpointPublicKey.FromPem(committed["checkpoint"]!["public_key_pem"]!.GetValue<string>());
        key.Verifies(new SignedCheckpoint(Checkpoint.Parse(committed["checkpoint"]!["text"]!.GetValue<string>()), signature)).ShouldBeTrue();
    }

    [Fact]
    public void Example_InDocs_QuotesTheCommittedValues()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "ledger-format.md"));
        var committed = JsonNode.Parse(File.ReadAllText(ExamplePath))!;
        foreach (var e in committed["events"]!.AsArray())
        {
            doc.ShouldContain(e!["canonical"]!.GetValue<string>());
            doc.ShouldContain(e["leaf_hash"]!.GetValue<string>());
        }
        foreach (var root in committed["tree"]!["roots_by_size"]!.AsArray())
            doc.ShouldContain(root!.GetValue<string>());
        doc.ShouldContain(committed["checkpoint"]!["signature_base64"]!.GetValue<string>());
    }

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "AuditPortal.sln")))
            d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

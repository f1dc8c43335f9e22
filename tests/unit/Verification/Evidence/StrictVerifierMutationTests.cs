using System.Formats.Asn1;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Evidence;

/// <summary>
/// Mutation probes for every rule of the strict verifier (docs/ledger-format.md §1.1, §2, §5, §8): each probe
/// must fail, with the finding that names the rule. Record probes come from forged ledgers re-signed by the
/// real key, so hashes, proofs and signature all hold and only the rule itself can catch them.
/// </summary>
public sealed class StrictVerifierMutationTests : IDisposable
{
    private readonly TestBundles t = new();

    public void Dispose() => t.Dispose();

    private EvidenceReport VerifyText(string json) => EvidenceFile.Verify(Encoding.UTF8.GetBytes(json), t.Signer.PublicKey);

    internal static string Text(object document) => JsonSerializer.Serialize(document);

    private static void ShouldFailWith(EvidenceReport report, string check, string probe)
    {
        var found = string.Join("; ", report.Findings.Select(f => $"{f.Check} {f.Where}: {f.Message} (expected {f.Expected}, actual {f.Actual})"));
        report.Intact.ShouldBeFalse($"probe '{probe}' passed");
        report.Findings.Select(f => f.Check).ShouldContain(check, $"probe '{probe}' failed with: {found}");
    }

    [Fact]
    public void Forged_WithoutMutation_IsIntact()
    {
        // The probes below rely on forging itself producing a valid bundle: only their mutation may fail.
        VerifyText(Text(t.Forged(0))).Findings.ShouldBeEmpty();
        VerifyText(Text(t.ForgedInclusion(2))).Findings.ShouldBeEmpty();
    }

    // ---- repeated member names (the last value wins in System.Text.Json and JSON.parse; a person reads the first)

    public static TheoryData<string> RepeatedMembers => new()
    {
        "canonical", "root_hash", "public_key", "events", "complete", "format", "key_id", "leaf_hash", "seq",
        "checkpoint.text", "checkpoint.signature", "inclusion_proof", "exported_at", "same value twice", "escaped name", "in the record",
    };

    [Theory]
    [MemberData(nameof(RepeatedMembers))]
    public void Verify_RepeatedMember_IsRejectedEvenWithTheTrustedKey(string member) =>
        ShouldFailWith(VerifyText(RepeatedMemberProbe(member)), "duplicate_member", member);

    internal string RepeatedMemberProbe(string member)
    {
        using var other = CheckpointSigner.Generate();
        var bundle = Text(t.Bundle());
        var inclusion = Text(t.Inclusion(4, 11));
        var json = member switch
        {
            // A forged first value, the real one last: the value every JSON library keeps.
            "canonical" => Repeat(bundle, "canonical", JsonSerializer.Serialize(t.Bundle().Events[1].Canonical)),
            "root_hash" => Repeat(inclusion, "root_hash", "\"" + new string('a', 64) + "\""),
            "public_key" => Repeat(bundle, "public_key", JsonSerializer.Serialize(other.PublicKey.ToPem())),
            "events" => Repeat(bundle, "events", "[]"),
            "complete" => Repeat(bundle, "complete", "false"),
            "format" => Repeat(bundle, "format", "\"auditportal-evidence/v0\""),
            "key_id" => Repeat(bundle, "key_id", "\"" + other.PublicKey.KeyId + "\""),
            "leaf_hash" => Repeat(bundle, "leaf_hash", "\"" + new string('b', 64) + "\""),
            "seq" => Repeat(bundle, "seq", "99"),
            "checkpoint.text" => Repeat(bundle, "text", "\"x\""),
            "checkpoint.signature" => Repeat(bundle, "signature", "\"AAAA\""),
            "inclusion_proof" => Repeat(bundle, "inclusion_proof", "[]"),
            "exported_at" => Repeat(bundle, "exported_at", "\"2030-01-01T00:00:00.000000Z\""),
            "same value twice" => Repeat(bundle, "exported_by", "null"),
            "escaped name" => bundle.Replace("\"complete\":true", "\"complete\":false,\"c\\u006fmplete\":true", StringComparison.Ordinal),
            "in the record" => RepeatInRecord(bundle),
            _ => throw new ArgumentException(member),
        };
        json.ShouldNotBe(bundle, "the probe changed nothing");
        json.ShouldNotBe(inclusion, "the probe changed nothing");
        return json;
    }

    // Inserts `"name":forged,` before the first member `name`.
    internal static string Repeat(string json, string name, string forgedValue)
    {
        var at = json.IndexOf($"\"{name}\":", StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, name);
        return json[..at] + $"\"{name}\":{forgedValue}," + json[at..];
    }

    // A record with "seq" twice: the record is not canonical, and the reader names the repeat.
    private string RepeatInRecord(string bundle)
    {
        var canonical = t.Bundle().Events[0].Canonical;
        var repeated = canonical.Replace(",\"v\":1}", ",\"v\":1,\"v\":2}", StringComparison.Ordinal);
        return bundle.Replace(JsonSerializer.Serialize(canonical), JsonSerializer.Serialize(repeated), StringComparison.Ordinal);
    }

    // ---- members and types of the documents

    public static TheoryData<string, string> DocumentProbes => new()
    {
        { "unknown top-level member", "unknown_member" },
        { "unknown member in stream", "unknown_member" },
        { "unknown member in an event", "unknown_member" },
        { "unknown member in checkpoint", "unknown_member" },
        { "exported_by omitted", "member" },
        { "checkpoint omitted from an inclusion proof", "member" },
        { "seq as a string", "member" },
        { "seq as 1.0", "integer" },
        { "seq as 1e0", "integer" },
        { "negative leaf_index", "integer" },
        { "seq beyond 2^53 - 1", "integer" },
        { "null proof element", "member" },
        { "complete as a string", "member" },
        { "lone surrogate", "lone_surrogate" },
        { "exported_at without microseconds", "timestamp" },
        { "exported_at with an offset", "timestamp" },
        { "signature with a line break", "base64" },
        { "signature with a space", "base64" },
        { "signature without padding (or a character short)", "base64" },
        { "signature with url-safe characters", "base64" },
        { "uppercase leaf_hash", "hex" },
        { "uppercase proof element", "hex" },
        { "uppercase root_hash", "hex" },
        { "short proof element", "hex" },
        { "public key PEM with CRLF", "public_key" },
        { "public key PEM with text around it", "public_key" },
        { "events twice", "event_order" },
        { "events reordered, not complete", "event_order" },
    };

    [Theory]
    [MemberData(nameof(DocumentProbes))]
    public void Verify_DocumentMutation_FailsWithItsRule(string probe, string check) =>
        ShouldFailWith(VerifyText(DocumentProbe(probe)), check, probe);

    internal string DocumentProbe(string probe)
    {
        var bundle = Text(t.Bundle());
        var b = t.Bundle();
        var json = probe switch
        {
            "unknown top-level member" => bundle.Replace("{\"format\":", "{\"note\":\"x\",\"format\":", StringComparison.Ordinal),
            "unknown member in stream" => bundle.Replace("\"complete\":true", "\"complete\":true,\"head\":5", StringComparison.Ordinal),
            "unknown member in an event" => bundle.Replace("\"leaf_index\":", "\"tree_size\":11,\"leaf_index\":", StringComparison.Ordinal),
            "unknown member in checkpoint" => bundle.Replace("\"signature\":", "\"key_id\":\"x\",\"signature\":", StringComparison.Ordinal),
            "exported_by omitted" => bundle.Replace("\"exported_by\":null,", "", StringComparison.Ordinal),
            "checkpoint omitted from an inclusion proof" => RemoveMember(Text(t.Inclusion(4, 11)), "checkpoint"),
            "seq as a string" => bundle.Replace("\"seq\":1,", "\"seq\":\"1\",", StringComparison.Ordinal),
            "seq as 1.0" => bundle.Replace("\"seq\":1,", "\"seq\":1.0,", StringComparison.Ordinal),
            "seq as 1e0" => bundle.Replace("\"seq\":1,", "\"seq\":1e0,", StringComparison.Ordinal),
            "negative leaf_index" => bundle.Replace("\"leaf_index\":0,", "\"leaf_index\":-1,", StringComparison.Ordinal),
            "seq beyond 2^53 - 1" => bundle.Replace("\"seq\":1,", "\"seq\":9007199254740992,", StringComparison.Ordinal),
            "null proof element" => bundle.Replace("\"inclusion_proof\":[", "\"inclusion_proof\":[null,", StringComparison.Ordinal),
            "complete as a string" => bundle.Replace("\"complete\":true", "\"complete\":\"true\"", StringComparison.Ordinal),
            "lone surrogate" => bundle.Replace("\"exported_by\":null", "\"exported_by\":\"\\ud800\"", StringComparison.Ordinal),
            "exported_at without microseconds" => Text(b with { ExportedAt = "2024-02-01T00:00:00Z" }),
            "exported_at with an offset" => Text(b with { ExportedAt = "2024-02-01T00:00:00.000000+00:00" }),
            "signature with a line break" => Text(b with { Checkpoint = b.Checkpoint with { Signature = b.Checkpoint.Signature.Insert(20, "\n") } }),
            "signature with a space" => Text(b with { Checkpoint = b.Checkpoint with { Signature = b.Checkpoint.Signature.Insert(20, " ") } }),
            "signature without padding (or a character short)" => Text(b with { Checkpoint = b.Checkpoint with { Signature = b.Checkpoint.Signature.EndsWith('=') ? b.Checkpoint.Signature.TrimEnd('=') : b.Checkpoint.Signature[..^1] } }),
            "signature with url-safe characters" => Text(b with { Checkpoint = b.Checkpoint with { Signature = "-_" + b.Checkpoint.Signature[2..] } }),
            "uppercase leaf_hash" => Text(b with { Events = [b.Events[0] with { LeafHash = b.Events[0].LeafHash.ToUpperInvariant() }, .. b.Events.Skip(1)] }),
            "uppercase proof element" => Text(b with { Events = [b.Events[0] with { InclusionProof = [b.Events[0].InclusionProof[0].ToUpperInvariant(), .. b.Events[0].InclusionProof.Skip(1)] }, .. b.Events.Skip(1)] }),
            "uppercase root_hash" => Text(t.Inclusion(4, 11) with { RootHash = t.Inclusion(4, 11).RootHash.ToUpperInvariant() }),
            "short proof element" => Text(b with { Events = [b.Events[0] with { InclusionProof = [b.Events[0].InclusionProof[0][..62], .. b.Events[0].InclusionProof.Skip(1)] }, .. b.Events.Skip(1)] }),
            "public key PEM with CRLF" => Text(b with { PublicKeyPem = b.PublicKeyPem.Replace("\n", "\r\n", StringComparison.Ordinal) }),
            "public key PEM with text around it" => Text(b with { PublicKeyPem = "key:\n" + b.PublicKeyPem }),
            "events twice" => Text(b with { Stream = b.Stream with { Complete = false }, Events = [b.Events[0], b.Events[0], .. b.Events.Skip(1)] }),
            "events reordered, not complete" => Text(b with { Stream = b.Stream with { Complete = false }, Events = [b.Events[1], b.Events[0], .. b.Events.Skip(2)] }),
            _ => throw new ArgumentException(probe),
        };
        json.ShouldNotBe(bundle, "the probe changed nothing");
        return json;
    }

    private static string RemoveMember(string json, string name)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove(name).ShouldBeTrue();
        return node.ToJsonString();
    }

    // ---- the record rules of §2, on forged ledgers the real key signed anew

    public static TheoryData<string, string> RecordProbes => new()
    {
        { "v is 2", "record_version" },
        { "unknown member", "record_member" },
        { "member missing", "record_member" },
        { "seq as a string", "record_type" },
        { "stream_seq 0", "record_type" },
        { "schema_version 0", "record_type" },
        { "actor null", "record_type" },
        { "client_address a number", "record_type" },
        { "payload an array", "record_type" },
        { "event_id uppercase", "uuid" },
        { "event_id without hyphens", "uuid" },
        { "supersedes not a UUID", "uuid" },
        { "lineage input not a UUID", "uuid" },
        { "lineage with an extra member", "lineage" },
        { "occurred_at without microseconds", "timestamp" },
        { "recorded_at on 30 February", "timestamp" },
        { "recorded_at with an offset", "timestamp" },
        { "prev_hash not zero at seq 1", "zero_hash" },
        { "stream_prev_hash zero at stream_seq 2", "zero_hash" },
        { "prev_hash uppercase", "hex" },
        { "envelope with a 4-byte ct", "envelope" },
        { "envelope with an extra member", "envelope" },
        { "envelope of another algorithm", "envelope" },
        { "envelope iv not strict base64", "envelope" },
        { "envelope in an array without sub", "envelope" },
        { "prev_hash not the bundle's seq - 1", "prev_hash" },
        { "stream_prev_hash not the previous event, not complete", "stream_chain" },
        { "repeated member in the record", "duplicate_member" },
    };

    [Theory]
    [MemberData(nameof(RecordProbes))]
    public void Verify_RecordRuleBroken_FailsWithItsRuleThoughHashesAndSignatureHold(string probe, string check) =>
        ShouldFailWith(VerifyText(RecordProbe(probe)), check, probe);

    internal string RecordProbe(string probe)
    {
        const string ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000";
        const string Envelope = """{"ct":"AAAAAAAAAAAAAAAAAAAAAAAAAAA=","enc":"A256GCM","iv":"AAAAAAAAAAAAAAAA","sub":"subj-1"}""";
        JsonObject Env(Action<JsonObject> change)
        {
            var e = JsonNode.Parse(Envelope)!.AsObject();
            change(e);
            return e;
        }
        EvidenceBundle bundle = probe switch
        {
            "v is 2" => t.Forged(11, r => r["v"] = 2),
            "unknown member" => t.Forged(11, r => r["tenant"] = "x"),
            "member missing" => t.Forged(11, r => r.Remove("supersedes")),
            "seq as a string" => t.Forged(11, r => r["seq"] = "11"),
            "stream_seq 0" => t.Forged(11, r => r["stream_seq"] = 0, complete: false),
            "schema_version 0" => t.Forged(11, r => r["schema_version"] = 0),
            "actor null" => t.Forged(11, r => r["actor"] = null),
            "client_address a number" => t.Forged(11, r => r["client_address"] = 7),
            "payload an array" => t.Forged(11, r => r["payload"] = new JsonArray(1)),
            "event_id uppercase" => t.Forged(11, r => r["event_id"] = r["event_id"]!.GetValue<string>().ToUpperInvariant()),
            "event_id without hyphens" => t.Forged(11, r => r["event_id"] = r["event_id"]!.GetValue<string>().Replace("-", "", StringComparison.Ordinal)),
            "supersedes not a UUID" => t.Forged(11, r => r["supersedes"] = "event-7"),
            "lineage input not a UUID" => t.Forged(11, r => r["lineage"] = JsonNode.Parse("""{"inputs":["x"],"rule_id":"r","rule_version":"1"}""")),
            "lineage with an extra member" => t.Forged(11, r => r["lineage"] = JsonNode.Parse("""{"inputs":[],"note":"","rule_id":"r","rule_version":"1"}""")),
            "occurred_at without microseconds" => t.Forged(11, r => r["occurred_at"] = "2024-01-01T00:11:00Z"),
            "recorded_at on 30 February" => t.Forged(11, r => r["recorded_at"] = "2024-02-30T00:11:00.000000Z"),
            "recorded_at with an offset" => t.Forged(11, r => r["recorded_at"] = "2024-01-01T00:11:00.000000+00:00"),
            "prev_hash not zero at seq 1" => t.Forged(1, r => r["prev_hash"] = new string('1', 64)),
            "stream_prev_hash zero at stream_seq 2" => t.Forged(2, r => r["stream_prev_hash"] = ZeroHash),
            "prev_hash uppercase" => t.Forged(11, r => r["prev_hash"] = r["prev_hash"]!.GetValue<string>().ToUpperInvariant()),
            "envelope with a 4-byte ct" => t.Forged(11, r => r["payload"] = new JsonObject { ["holder"] = Env(e => e["ct"] = "3q2+7w==") }),
            "envelope with an extra member" => t.Forged(11, r => r["payload"] = new JsonObject { ["holder"] = Env(e => e["plain"] = "Erika") }),
            "envelope of another algorithm" => t.Forged(11, r => r["payload"] = new JsonObject { ["holder"] = Env(e => e["enc"] = "none") }),
            "envelope iv not strict base64" => t.Forged(11, r => r["payload"] = new JsonObject { ["holder"] = Env(e => e["iv"] = "AAAAAAAAAAAAAAA=") }),
            "envelope in an array without sub" => t.Forged(11, r => r["payload"] = new JsonObject { ["people"] = new JsonArray(Env(e => e.Remove("sub"))) }),
            "prev_hash not the bundle's seq - 1" => t.Forged(5, r => r["prev_hash"] = new string('1', 64)),
            "stream_prev_hash not the previous event, not complete" => t.Forged(5, r => r["stream_prev_hash"] = new string('1', 64), complete: false),
            "repeated member in the record" => t.Forged(11, mutateText: c => c.Replace(",\"v\":1}", ",\"v\":1,\"v\":1}", StringComparison.Ordinal)),
            _ => throw new ArgumentException(probe),
        };
        return Text(bundle);
    }

    [Fact]
    public void Verify_NegativeIntegerInThePayload_IsAllowed()
    {
        // §2: payload integers are within ±(2^53 − 1), as the appender accepts them.
        VerifyText(Text(t.Forged(11, r => r["payload"] = new JsonObject { ["delta"] = -9007199254740991 }))).Findings.ShouldBeEmpty();
        ShouldFailWith(VerifyText(Text(t.Forged(11, r => r["payload"] = new JsonObject { ["delta"] = 1.5 }))), "record_json", "fraction in the payload");
    }

    [Fact]
    public void Verify_PrevHashThatTheInclusionProofDetermines_IsChecked()
    {
        // Leaf index 3 is odd: the audit path's first element is the leaf hash of seq 3.
        ShouldFailWith(VerifyText(Text(t.ForgedInclusion(4, r => r["prev_hash"] = new string('1', 64)))), "prev_hash", "inclusion, odd index");
        // Leaf index 4 is even: the path does not determine seq 4's predecessor, so only the record rules apply.
        VerifyText(Text(t.ForgedInclusion(5, r => r["prev_hash"] = new string('1', 64)))).Findings.ShouldBeEmpty();
    }

    [Fact]
    public void Verify_RecordProbe_AlsoFailsInTheInclusionProofDocument()
    {
        ShouldFailWith(VerifyText(Text(t.ForgedInclusion(4, r => r["event_id"] = "x"))), "uuid", "inclusion proof record");
    }

    // ---- checkpoints: origin grammar, one log per proof, signatures

    public static TheoryData<string, string> CheckpointProbes => new()
    {
        { "origin of the access log", "origin" },
        { "origin without deployment", "checkpoint" },
        { "origin of an unknown log", "checkpoint" },
        { "size with a leading zero", "checkpoint" },
        { "consistency between two logs", "origin" },
        { "consistency from 0 with a checkpoint1", "checkpoint" },
        { "consistency between equal sizes, different roots", "consistency_proof" },
        { "signature in BER, not DER", "checkpoint_signature" },
        { "signature with a trailing byte", "checkpoint_signature" },
    };

    [Theory]
    [MemberData(nameof(CheckpointProbes))]
    public void Verify_CheckpointMutation_FailsWithItsRule(string probe, string check) =>
        ShouldFailWith(VerifyText(CheckpointProbe(probe)), check, probe);

    internal string CheckpointProbe(string probe)
    {
        var b = t.Bundle();
        string Resigned(string text) => Text(b with { Checkpoint = Sign(text) });
        var json = probe switch
        {
            "origin of the access log" => Text(t.Forged(0, origin: "access-log/test")),
            "origin without deployment" => Resigned(b.Checkpoint.Text.Replace("origin ledger/test", "origin ledger", StringComparison.Ordinal)),
            "origin of an unknown log" => Resigned(b.Checkpoint.Text.Replace("origin ledger/test", "origin audit/test", StringComparison.Ordinal)),
            "size with a leading zero" => Resigned(b.Checkpoint.Text.Replace("size 11", "size 011", StringComparison.Ordinal)),
            "consistency between two logs" => Text(t.Consistency(3, 7) with
            {
                Checkpoint1 = Sign(t.Consistency(3, 7).Checkpoint1!.Text.Replace("ledger/test", "ledger/other", StringComparison.Ordinal)),
            }),
            "consistency from 0 with a checkpoint1" => Text(t.Consistency(0, 7) with { Checkpoint1 = t.Consistency(3, 7).Checkpoint1 }),
            "consistency between equal sizes, different roots" => EqualSizesDifferentRoots(),
            "signature in BER, not DER" => Text(b with { Checkpoint = b.Checkpoint with { Signature = Convert.ToBase64String(Ber(Convert.FromBase64String(b.Checkpoint.Signature))) } }),
            "signature with a trailing byte" => Text(b with { Checkpoint = b.Checkpoint with { Signature = Convert.ToBase64String([.. Convert.FromBase64String(b.Checkpoint.Signature), 0]) } }),
            _ => throw new ArgumentException(probe),
        };
        return json;
    }

    /// <summary>The key every probe is signed with, for verifiers that take it as a file.</summary>
    internal string PublicKeyPem => t.Signer.PublicKey.ToPem();

    [Fact]
    public void Verify_HighSSignature_IsAccepted()
    {
        // §8.5: ECDSA signatures are accepted with either s or n − s, as FIPS 186-4 and OpenSSL accept them.
        var b = t.Bundle();
        var highS = Convert.ToBase64String(TestBundles.HighS(Convert.FromBase64String(b.Checkpoint.Signature)));
        highS.ShouldNotBe(b.Checkpoint.Signature);
        VerifyText(Text(b with { Checkpoint = b.Checkpoint with { Signature = highS } })).Findings.ShouldBeEmpty();
    }

    [Fact]
    public void Verify_ConsistencyFromZeroAndBetweenEqualSizes_AreIntact()
    {
        VerifyText(Text(t.Consistency(0, 7))).Findings.ShouldBeEmpty();
        var equal = t.Consistency(7, 7);
        equal.Proof.ShouldBeEmpty();
        VerifyText(Text(equal)).Findings.ShouldBeEmpty();
    }

    private EvidenceCheckpoint Sign(string text) => t.SignText(text);

    private string EqualSizesDifferentRoots()
    {
        var doc = t.Consistency(7, 7);
        var other = t.Checkpoint(8).Checkpoint with { Size = 7 };
        return Text(doc with { Root2 = HashHex.ToHex(other.RootHash), Checkpoint2 = TestBundles.Evidence(t.Signer.Sign(other)) });
    }

    private static (BigInteger R, BigInteger S) ReadSignature(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        return (reader.ReadInteger(), reader.ReadInteger());
    }

    // The same integers with a redundant leading zero byte in r: valid BER, not DER.
    private static byte[] Ber(byte[] der)
    {
        var (r, s) = ReadSignature(der);
        var rBytes = r.ToByteArray(isUnsigned: false, isBigEndian: true);
        var sBytes = s.ToByteArray(isUnsigned: false, isBigEndian: true);
        byte[] rPadded = [0, .. rBytes]; // the signed big-endian form is minimal, so one more zero is redundant
        byte[] body = [0x02, (byte)rPadded.Length, .. rPadded, 0x02, (byte)sBytes.Length, .. sBytes];
        return [0x30, (byte)body.Length, .. body];
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Cli;
using AuditPortal.Tests.Cli;
using AuditPortal.Tests.Verification.Evidence;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Verification.Ledger;

/// <summary>
/// The cases of docs/ledger-format.md §9.5–§9.11 as files, testdata/format/&lt;case&gt;.json: <c>desc</c>, <c>wantErr</c>,
/// <c>wantCheck</c> (the finding's check, null when none), <c>wantExit</c> (of <c>auditportal evidence verify</c> with
/// the example key pinned) and <c>document</c> (the document's exact text). Every case is built from the §9 example
/// ledger and key. Regenerate with AUDITPORTAL_REGENERATE_FORMAT=1 (signatures change: ECDSA is randomized).
/// </summary>
public sealed class FormatCaseTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static TheoryData<string> Cases => TestDataFiles.Cases("format", include: IsCase);

    // The worked examples (example.json, and any other *example.json) hold computed values, not a case.
    private static bool IsCase(string name) => !name.EndsWith("example", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FormatCase_EvidenceVerify_GivesTheCaseOutcome(string name)
    {
        var c = TestDataFiles.Read("format", name);
        var (wantErr, wantCheck, wantExit) = (c.GetProperty("wantErr").GetBoolean(), c.GetProperty("wantCheck").GetString(), c.GetProperty("wantExit").GetInt32());
        (wantExit != ExitCodes.Ok).ShouldBe(wantErr, "wantErr and wantExit disagree");
        var dir = Directory.CreateTempSubdirectory("ap-format-");
        try
        {
            var document = Path.Combine(dir.FullName, name + ".json");
            var key = Path.Combine(dir.FullName, "key.pem");
            await File.WriteAllTextAsync(document, c.GetProperty("document").GetString());
            await File.WriteAllTextAsync(key, ExampleKeyPem());
            var (code, output, error) = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", document, "--public-key", key);
            code.ShouldBe(wantExit, output + error);
            if (wantCheck is not null)
                output.ShouldContain($"FINDING {wantCheck} ", Case.Sensitive, output);
            if (wantExit == ExitCodes.Ok)
                output.ShouldContain("INTACT");

            // The independent verifier, written from the spec alone, gives the same outcome.
            var (jsCode, jsOutput) = IndependentVerifier.Run(document, key);
            jsCode.ShouldBe(wantExit, "independent verifier: " + jsOutput);
            if (wantCheck is not null)
                jsOutput.ShouldContain($"FINDING {wantCheck} ", Case.Sensitive, "independent verifier: " + jsOutput);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void FormatCases_EachIsNamedInTheSpec()
    {
        var spec = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "ledger-format.md"));
        var names = Directory.GetFiles(TestDataFiles.Directory("format"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Where(IsCase).ToList();
        names.ShouldNotBeEmpty();
        foreach (var name in names)
            spec.ShouldContain($"testdata/format/{name}.json", customMessage: $"docs/ledger-format.md §9 does not name the case {name}");
    }

    [Fact]
    public void FormatCases_Regenerate()
    {
        if (Environment.GetEnvironmentVariable("AUDITPORTAL_REGENERATE_FORMAT") != "1")
            return;
        var target = Path.Combine(RepoRoot(), "tests", "unit", "testdata", "format");
        foreach (var file in Directory.GetFiles(target, "*.json").Where(f => IsCase(Path.GetFileNameWithoutExtension(f))))
            File.Delete(file);
        foreach (var (name, desc, check, exit, document) in Build())
        {
            var node = new JsonObject
            {
                ["desc"] = desc,
                ["wantErr"] = exit != ExitCodes.Ok,
                ["wantCheck"] = check,
                ["wantExit"] = exit,
                ["document"] = document,
            };
            File.WriteAllText(Path.Combine(target, name + ".json"), node.ToJsonString(Indented) + "\n");
        }
    }

    private static string ExampleKeyPem()
    {
        using var signer = CheckpointSigner.FromPem(FormatExampleTests.ExamplePrivateKey);
        return signer.PublicKey.ToPem();
    }

    private static IEnumerable<(string Name, string Desc, string? Check, int Exit, string Document)> Build()
    {
        using var t = new TestBundles(FormatExampleTests.Events(), CheckpointSigner.FromPem(FormatExampleTests.ExamplePrivateKey),
            "ledger/example", new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc));
        string Text(object document) => JsonSerializer.Serialize(document, Indented);
        var bundle = t.Bundle("account", "acc-000001") with { ExportedAt = "2024-03-01T10:05:00.000000Z", ExportedBy = "investigator1" };
        var json = Text(bundle);
        EvidenceEvent[] events = [.. bundle.Events];
        string Repeat(string text, string name, string forged)
        {
            var at = text.IndexOf($"\"{name}\":", StringComparison.Ordinal);
            return text[..at] + $"\"{name}\": {forged},\n  " + text[at..];
        }
        EvidenceCheckpoint Sign(string text) => t.SignText(text);
        const int Ok = ExitCodes.Ok, Findings = ExitCodes.Findings, Unreadable = ExitCodes.UsageOrConnection;

        yield return ("bundle-complete", "§9.5: the complete bundle of account/acc-000001 (seq 1, 2, 4) against the checkpoint of size 4", null, Ok, json);
        yield return ("bundle-unsigned-members-changed", "§9.5: exported_at, exported_by and stream.complete are signed by nothing: changed, the bundle still verifies (complete=false claims less)",
            null, Ok, Text(bundle with { ExportedAt = "2030-01-01T00:00:00.000000Z", ExportedBy = "someone else", Stream = bundle.Stream with { Complete = false } }));
        yield return ("bundle-exported-at-seconds", "§9.5: exported_at without microseconds is not a timestamp of §1", "timestamp", Findings,
            Text(bundle with { ExportedAt = "2024-03-01T10:05:00Z" }));
        yield return ("bundle-partial", "§9.6: a bundle that is not complete may hold any events of the stream, ascending by seq (here seq 2 and 4)",
            null, Ok, Text(bundle with { Stream = bundle.Stream with { Complete = false }, Events = [events[1], events[2]] }));
        yield return ("bundle-partial-duplicate", "§9.6: the same event twice is a finding even when the bundle is not complete", "event_order", Findings,
            Text(bundle with { Stream = bundle.Stream with { Complete = false }, Events = [events[1], events[1], events[2]] }));
        yield return ("bundle-partial-unordered", "§9.6: events out of seq order are a finding even when the bundle is not complete", "event_order", Findings,
            Text(bundle with { Stream = bundle.Stream with { Complete = false }, Events = [events[2], events[1]] }));
        yield return ("bundle-repeated-canonical", "§9.7: canonical given twice (a forged record first, the real one last: the one JSON libraries keep)", "duplicate_member", Findings,
            Repeat(json, "canonical", JsonSerializer.Serialize(events[1].Canonical)));
        yield return ("bundle-repeated-public-key", "§9.7: public_key given twice", "duplicate_member", Findings,
            Repeat(json, "public_key", JsonSerializer.Serialize(CheckpointSigner.Generate().PublicKey.ToPem())));
        yield return ("bundle-repeated-events", "§9.7: events given twice, the first empty", "duplicate_member", Findings, Repeat(json, "events", "[]"));
        yield return ("bundle-repeated-complete", "§9.7: stream.complete given twice", "duplicate_member", Findings, Repeat(json, "complete", "false"));
        yield return ("bundle-repeated-escaped-name", "§9.7: names are compared after unescaping: \"c\\u006fmplete\" repeats complete", "duplicate_member", Findings,
            json.Replace("\"complete\": true", "\"complete\": false,\n    \"c\\u006fmplete\": true", StringComparison.Ordinal));
        yield return ("bundle-unknown-member", "§9.7: a member the format does not define", "unknown_member", Findings,
            json.Replace("\"format\":", "\"comment\": \"checked by hand\",\n  \"format\":", StringComparison.Ordinal));
        yield return ("bundle-seq-as-float", "§9.7: integers are plain decimal digits: 1.0 is not the integer 1", "integer", Findings,
            json.Replace("\"seq\": 1,", "\"seq\": 1.0,", StringComparison.Ordinal));
        yield return ("bundle-signature-line-break", "§9.7: base64 has no white space inside", "base64", Findings,
            Text(bundle with { Checkpoint = bundle.Checkpoint with { Signature = bundle.Checkpoint.Signature.Insert(64, "\n") } }));
        yield return ("bundle-uppercase-leaf-hash", "§9.7: hex is lowercase only", "hex", Findings,
            Text(bundle with { Events = [events[0] with { LeafHash = events[0].LeafHash.ToUpperInvariant() }, events[1], events[2]] }));
        yield return ("bundle-public-key-crlf", "§9.8: the public key is its one PEM text (LF line ends)", "public_key", Findings,
            Text(bundle with { PublicKeyPem = bundle.PublicKeyPem.Replace("\n", "\r\n", StringComparison.Ordinal) }));
        yield return ("bundle-high-s-signature", "§9.8: a signature with s replaced by n - s verifies: both forms are accepted", null, Ok,
            Text(bundle with { Checkpoint = bundle.Checkpoint with { Signature = Convert.ToBase64String(TestBundles.HighS(Convert.FromBase64String(bundle.Checkpoint.Signature))) } }));
        yield return ("bundle-access-log-origin", "§9.9: evidence is checked against checkpoints of the ledger log; an access-log checkpoint signed by the same key is a finding",
            "origin", Findings, Text(t.Forged(0, origin: "access-log/example", type: "account", id: "acc-000001")));
        yield return ("bundle-size-leading-zero", "§9.9: a size with a leading zero does not parse, even signed", "checkpoint", Findings,
            Text(bundle with { Checkpoint = Sign(bundle.Checkpoint.Text.Replace("size 4", "size 04", StringComparison.Ordinal)) }));
        yield return ("bundle-record-short-ciphertext", "§9.10: the envelope of the former §9.1 example: a 4-byte ct cannot hold the 16-byte tag (ledger re-signed, so only the rule catches it)",
            "envelope", Findings, Text(t.Forged(1, r => r["payload"]!["holder"]!["ct"] = "3q2+7w==", type: "account", id: "acc-000001")));
        yield return ("bundle-record-uppercase-uuid", "§9.10: UUIDs are lowercase (ledger re-signed, so only the rule catches it)", "uuid", Findings,
            Text(t.Forged(4, r => r["event_id"] = "018DF3A0-5C00-7000-8000-000000000004", type: "account", id: "acc-000001")));
        yield return ("inclusion-seq-2", "§9.5: the inclusion proof document of seq 2 in the tree of size 4", null, Ok, Text(t.Inclusion(2, 4)));
        yield return ("inclusion-without-checkpoint", "§9.5: a proof without a checkpoint holds only against an unsigned root: a finding", "checkpoint", Findings,
            Text(t.Inclusion(2, 4) with { Checkpoint = null }));
        yield return ("inclusion-repeated-root-hash", "§9.7: root_hash given twice", "duplicate_member", Findings,
            Repeat(Text(t.Inclusion(2, 4)), "root_hash", "\"" + new string('a', 64) + "\""));
        yield return ("consistency-3-to-4", "§9.5: the consistency proof document from size 3 to size 4", null, Ok, Text(t.Consistency(3, 4)));
        yield return ("consistency-0-to-4", "§9.5: from size 0: empty proof, root1 = SHA-256 of nothing, checkpoint1 null", null, Ok, Text(t.Consistency(0, 4)));
        yield return ("consistency-4-to-4", "§9.5: between equal sizes: empty proof, equal roots", null, Ok, Text(t.Consistency(4, 4)));
        yield return ("consistency-0-with-checkpoint1", "§9.5: from size 0 checkpoint1 is null", "checkpoint", Findings,
            Text(t.Consistency(0, 4) with { Checkpoint1 = t.Consistency(3, 4).Checkpoint1 }));
        yield return ("consistency-two-origins", "§9.9: both checkpoints of a consistency proof name the same log", "origin", Findings,
            Text(t.Consistency(3, 4) with { Checkpoint1 = Sign(t.Consistency(3, 4).Checkpoint1!.Text.Replace("ledger/example", "ledger/other", StringComparison.Ordinal)) }));
        foreach (var c in Version2Cases())
            yield return c;
        yield return ("not-json", "§8.6: not JSON: nothing is checked, exit 2", null, Unreadable, json[..^2]);
        yield return ("unknown-format", "§8.6: JSON of no known format: nothing is checked, exit 2", null, Unreadable,
            json.Replace("auditportal-evidence/v1", "auditportal-evidence/v9", StringComparison.Ordinal));
    }

    // §9.11: format 2 bundles, signed by the example ECDSA key and the example Ed25519 key of §9.4.
    private static IEnumerable<(string Name, string Desc, string? Check, int Exit, string Document)> Version2Cases()
    {
        using var t = new TestBundles(FormatExampleTests.Events(),
            CheckpointSigner.FromPem(FormatExampleTests.ExamplePrivateKey, FormatV2ExampleTests.ExampleEd25519PrivateKey),
            "ledger/example", new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc));
        string Text(object document) => JsonSerializer.Serialize(document, Indented);
        EvidenceBundleV2 Exported(string id) => t.BundleV2("account", id) with { ExportedAt = "2024-03-01T10:05:00.000000Z", ExportedBy = "investigator1" };
        string Repeat(string text, string name, string forged)
        {
            var at = text.IndexOf($"\"{name}\":", StringComparison.Ordinal);
            return text[..at] + $"\"{name}\": {forged},\n  " + text[at..];
        }
        const int Ok = ExitCodes.Ok, Findings = ExitCodes.Findings;
        var bundle = Exported("acc-000001");
        var json = Text(bundle);
        var absent = Exported("acc-000002");
        var note = SignedNote.Parse(bundle.Checkpoint.Note);

        yield return ("bundle-v2-complete", "§9.11: the format 2 bundle of account/acc-000001: events 1, 2, 4 and the head proof of stream_seq 3", null, Ok, json);
        yield return ("bundle-v2-absent", "§9.11: the format 2 bundle of account/acc-000002, a stream without events: no events and the absence proof", null, Ok, Text(absent));
        yield return ("bundle-v2-tail-dropped", "§9.11: the complete bundle with its last event dropped still chains from stream_seq 1, but its last event is not the committed head",
            "stream_head", Findings, Text(bundle with { Events = bundle.Events.SkipLast(1).ToArray() }));
        yield return ("bundle-v2-absence-claimed", "§9.11: the absence proof of acc-000002 in the bundle of acc-000001: its events contradict it", "stream_head", Findings,
            Text(bundle with { StreamHead = absent.StreamHead }));
        yield return ("bundle-v2-repeated-stream-head", "§9.11: stream_head given twice, an absence proof first", "duplicate_member", Findings,
            Repeat(json, "stream_head", JsonSerializer.Serialize(absent.StreamHead)));
        yield return ("bundle-v2-repeated-vkeys", "§9.11: vkeys given twice, the first empty", "duplicate_member", Findings, Repeat(json, "vkeys", "[]"));
        yield return ("bundle-v2-repeated-note", "§9.11: the checkpoint's note given twice, the note of another checkpoint first", "duplicate_member", Findings,
            Repeat(json, "note", JsonSerializer.Serialize(t.BundleV2("account", "acc-000001", 3).Checkpoint.Note)));
        yield return ("bundle-v2-unknown-member", "§9.11: a member the format does not define, in a head entry", "unknown_member", Findings,
            json.Replace("\"stream_seq\": 3,", "\"stream_seq\": 3,\n      \"comment\": \"head\",", StringComparison.Ordinal));
        yield return ("bundle-v2-note-bad-key-id", "§9.11: the note's Ed25519 signature line with another key id: the Ed25519 vkey has no signature", "vkeys", Findings,
            Text(bundle with { Checkpoint = new EvidenceNote { Note = (note with { Signatures = [note.Signatures[0], note.Signatures[1] with { KeyId = note.Signatures[1].KeyId ^ 1 }] }).ToString() } }));
        yield return ("bundle-v2-vkey-bad-key-id", "§9.11: a vkey whose key id is not the one its key defines", "vkeys", Findings,
            Text(bundle with { Vkeys = [bundle.Vkeys[0], VkeyWithKeyId(bundle.Vkeys[1], "00000000")] }));
        yield return ("bundle-v2-root-noncanonical-base64", "§9.11: the note's root in base64 whose unused bits are not zero: not strict base64, the checkpoint does not parse",
            "checkpoint", Findings, Text(bundle with { Checkpoint = new EvidenceNote { Note = NonCanonicalRoot(bundle.Checkpoint.Note) } }));
    }

    private static string VkeyWithKeyId(string vkey, string keyId)
    {
        var parts = vkey.Split('+', 3);
        return $"{parts[0]}+{keyId}+{parts[2]}";
    }

    // The root line's last base64 digit before '=' carries 2 unused bits; setting one gives the same bytes in another text.
    private static string NonCanonicalRoot(string note)
    {
        var lines = note.Split('\n');
        var root = lines[2];
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var digit = Alphabet.IndexOf(root[^2], StringComparison.Ordinal);
        lines[2] = root[..^2] + Alphabet[digit ^ 1] + "=";
        return string.Join('\n', lines);
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "AuditPortal.sln")))
            d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

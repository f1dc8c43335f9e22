using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Cli;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Tests.Evidence;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Verification.Evidence;

namespace AuditPortal.Tests.Cli;

/// <summary>
/// `auditportal evidence export --lineage-of EVENT_ID` (an evidence set, docs/ledger-format.md §8.8) against a real ledger
/// and access log: the set and the PDF verify with `evidence verify` and the independent verifier; a bundle of the set
/// altered, a bundle left out, a stream twice — each fails in both verifiers, naming the bundle and the check.
/// </summary>
public sealed class EvidenceSetCliTests(PostgresFixture db, AccessLogPostgresFixture accessLog) : EvidencePdfCliTestBase(db, accessLog)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public async Task LineageOf_AnOutput_ExportsItsClosure_AndEveryTamperNamesTheBundle()
    {
        await SeedAsync(3_000);
        PdfTools.DevelopmentCertificate(Path.Combine(dir.FullName, "keys")).Dispose();
        // A derived output whose inputs lie in another stream (a dividend from its declaration; a tax form from trades).
        var output = (await db.ScalarAsync<Guid>("""
            SELECT o.event_id FROM ledger.events o JOIN ledger.events i ON i.event_id = o.lineage_inputs[1]
            WHERE o.rule_id IS NOT NULL AND (i.stream_type, i.stream_id) <> (o.stream_type, o.stream_id)
              AND o.seq <= (SELECT max(size) FROM ledger.checkpoints)
            ORDER BY o.seq LIMIT 1
            """)).ToString("D");

        var setPath = Path.Combine(dir.FullName, "set.json");
        var json = await CliRun.RunAsync(Env, "evidence", "export", "--lineage-of", output, "--out", setPath);
        json.Code.ShouldBe(ExitCodes.Ok, json.Err);
        var set = JsonNode.Parse(await File.ReadAllBytesAsync(setPath))!.AsObject();
        set["format"]!.GetValue<string>().ShouldBe("auditportal-evidence-set/v1");
        var bundles = set["bundles"]!.AsArray();
        bundles.Count.ShouldBeGreaterThan(1, "the output's inputs are in another stream");
        bundles.ShouldAllBe(b => !b!["stream"]!["complete"]!.GetValue<bool>());
        bundles.Select(b => b!["checkpoint"]!["note"]!.GetValue<string>()).Distinct().Count().ShouldBe(1);
        await AcceptedAsync(setPath);

        var pdf = Path.Combine(dir.FullName, "lineage.pdf");
        var export = await CliRun.RunAsync(PdfEnv, "evidence", "export", "--lineage-of", output, "--pdf", pdf, "--purpose", "lineage test");
        export.Code.ShouldBe(ExitCodes.Ok, export.Err);
        PdfTools.Run("pdfsig", pdf).Output.ShouldContain("Signature Validation: Signature is Valid.");
        PdfTools.Run("qpdf", "--check", pdf).Code.ShouldBe(0);
        var verify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", pdf, "--public-key", KeyPath);
        verify.Code.ShouldBe(ExitCodes.Ok, verify.Out);
        var embedded = Path.Combine(dir.FullName, "embedded.json");
        PdfTools.Run("pdfdetach", "-save", "1", "-o", embedded, pdf).Code.ShouldBe(0);
        await AcceptedAsync(embedded);
        var text = PdfTools.Run("pdftotext", "-layout", pdf, "-").Output;
        text.ShouldContain($"output {output} with its lineage");
        text.ShouldContain("Streams in this export");
        text.ShouldContain("Lineage closure");
        text.ShouldContain("derived: rule ");
        text.ShouldContain("input 1: ");
        text.ShouldNotContain("(not in this export)");
        foreach (var b in bundles)
            text.ShouldContain($"{b!["stream"]!["type"]}/{b["stream"]!["id"]}");

        // One bundle of the set altered: the last one's first leaf hash. Both verifiers name that bundle.
        var last = bundles.Count - 1;
        var altered = Edit(set, s => s["bundles"]![last]!["events"]![0]!["leaf_hash"] = new string('0', 64));
        var (code, outText) = await BothAsync(altered);
        code.ShouldBe(1);
        outText.ShouldContain($"$.bundles[{last}].events[0].leaf_hash");
        outText.ShouldContain($"bundle {last} (");

        // A bundle left out: the closure is incomplete (or the output missing).
        var dropped = Edit(set, s => s["bundles"]!.AsArray().RemoveAt(OtherThanOutput(s, output)));
        (code, outText) = await BothAsync(dropped);
        code.ShouldBe(1);
        outText.ShouldContain("lineage_closure");

        // Every bundle with the same wrong key id: each bundle reports it under its own path (the signed-head checks are
        // done once per set and replayed for the bundles that carry the same key and note, never skipped).
        var wrongKeyIds = Edit(set, s =>
        {
            foreach (var b in s["bundles"]!.AsArray())
                b!["key_id"] = new string('0', 64);
        });
        (code, outText) = await BothAsync(wrongKeyIds);
        code.ShouldBe(1);
        AuditPortal.Verification.Evidence.EvidenceFile.Verify(wrongKeyIds).Findings.Where(f => f.Check == "key_id").Select(f => f.Where)
            .ShouldBe(Enumerable.Range(0, bundles.Count).Select(i => $"$.bundles[{i}].key_id"));

        // A stream twice, and an empty set.
        (code, outText) = await BothAsync(Edit(set, s => s["bundles"]!.AsArray().Add(s["bundles"]![0]!.DeepClone())));
        code.ShouldBe(1);
        outText.ShouldContain("evidence_set");
        (code, outText) = await BothAsync(Edit(set, s => s["bundles"]!.AsArray().Clear()));
        code.ShouldBe(1);
        outText.ShouldContain("evidence_set");

        // The PDF with a replaced set: its signature, the cover's hash and the altered bundle are all named.
        var replaced = Path.Combine(dir.FullName, "replaced.pdf");
        await File.WriteAllBytesAsync(replaced, PdfSurgery.ReplaceBundle(await File.ReadAllBytesAsync(pdf),
            text => Edit(JsonNode.Parse(text)!.AsObject(), s => s["bundles"]![last]!["events"]![0]!["leaf_hash"] = new string('0', 64))));
        var tampered = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", replaced, "--public-key", KeyPath);
        tampered.Code.ShouldBe(ExitCodes.Findings, tampered.Out);
        tampered.Out.ShouldContain("FINDING pdf_signature");
        tampered.Out.ShouldContain("FINDING bundle_hash");
        tampered.Out.ShouldContain($"$.bundles[{last}].events[0].leaf_hash");

        // Bad input: not an event id, and one the ledger does not have (nothing to export).
        var bad = await CliRun.RunAsync(Env, "evidence", "export", "--lineage-of", "not-an-id\u202E", "--out", setPath);
        bad.Code.ShouldBe(ExitCodes.UsageOrConnection);
        bad.Err.ShouldContain("--lineage-of: an event id");
        var unknown = await CliRun.RunAsync(Env, "evidence", "export", "--lineage-of", Guid.NewGuid().ToString("D"), "--out", setPath);
        unknown.Code.ShouldBe(ExitCodes.UsageOrConnection);
        unknown.Err.ShouldContain("holds no event");
        (await CliRun.RunAsync(Env, "evidence", "export", "--lineage-of", output, "--stream", Stream, "--out", setPath)).Code.ShouldBe(ExitCodes.UsageOrConnection);
    }

    private static string Edit(JsonObject set, Action<JsonObject> edit)
    {
        var copy = set.DeepClone().AsObject();
        edit(copy);
        return copy.ToJsonString(Indented);
    }

    /// <summary>A bundle whose removal leaves the output in the set: the closure then lacks that bundle's inputs.</summary>
    private static int OtherThanOutput(JsonObject set, string output)
    {
        var bundles = set["bundles"]!.AsArray();
        for (var i = 0; i < bundles.Count; i++)
        {
            if (!bundles[i]!["events"]!.AsArray().Any(e => e!["canonical"]!.GetValue<string>().Contains(output, StringComparison.Ordinal)))
                return i;
        }
        throw new InvalidOperationException("every bundle holds the output");
    }

    private async Task AcceptedAsync(string path)
    {
        var verify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", path, "--public-key", KeyPath);
        verify.Code.ShouldBe(ExitCodes.Ok, verify.Out);
        var independent = IndependentVerifier.Run(path, KeyPath);
        independent.Code.ShouldBe(0, independent.Output);
    }

    /// <summary>Both verifiers on the same document: they must agree on the exit code; their output, joined.</summary>
    private async Task<(int Code, string Output)> BothAsync(string json)
    {
        var path = Path.Combine(dir.FullName, Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, json);
        var cli = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", path, "--public-key", KeyPath);
        var independent = IndependentVerifier.Run(path, KeyPath);
        independent.Code.ShouldBe(cli.Code, $"the two verifiers disagree:\n{cli.Out}\n---\n{independent.Output}");
        return (cli.Code, cli.Out + "\n" + independent.Output);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using AuditPortal.Cli;
using AuditPortal.Cli.Commands;
using AuditPortal.Data.AccessLog;
using AuditPortal.Tests.Data;
using AuditPortal.Tests.Data.AccessLog;
using AuditPortal.Tests.Evidence;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Cli;

/// <summary>
/// `auditportal access-log export --pdf` on a real access log: the signed review PDF of a period with its chain proof,
/// checked with poppler, qpdf and `evidence verify`, then tampered with; an access log that is down produces nothing.
/// </summary>
public sealed class AccessLogReviewPdfCliTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>, IAsyncLifetime, IDisposable
{
    private const int Queries = 30;
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-accesslog-review-");

    private string KeysDir => Path.Combine(dir.FullName, "keys");
    private string AccessLogKey => CheckpointKeys.PublicPath(KeysDir, AccessLogCommands.KeyName);

    private Dictionary<string, string> Env => new()
    {
        [CliEnvironment.PortalDbVariable] = db.SuperuserConnectionString,
        [CliEnvironment.KeysDirVariable] = KeysDir,
        [CliEnvironment.AccessLogWitnessDirVariable] = Path.Combine(dir.FullName, "witness"),
    };

    private static string At(int seconds) => LedgerTime(LedgerTestData.Start.UtcDateTime.AddSeconds(seconds));

    private static string LedgerTime(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        await AccessLogTestData.EmptyAsync(db);
        CheckpointKeys.EnsureExists(KeysDir, AccessLogCommands.KeyName, AccessLogEvents.Origin("demo"));
        PdfTools.DevelopmentCertificate(KeysDir).Dispose();
        using var signer = CheckpointKeys.LoadSigner(KeysDir, AccessLogCommands.KeyName);
        await using var writer = AccessLogTestData.Writer(db, new AccessLogWriterOptions
        {
            Signer = signer,
            Witness = new WitnessDirectory(Path.Combine(dir.FullName, "witness")),
            CheckpointEveryEvents = 16,
        });
        for (var n = 0; n < Queries; n++)
            await AccessLogTestData.LogQueryAsync(writer, AccessLogTestData.Entry(n, "sub-" + (n % 3).ToString(CultureInfo.InvariantCulture), secondsAfterStart: n));
        // One request without an outcome: listed as pending, proved like the others.
        await writer.AppendAsync(AccessLogTestData.Entry(Queries, "sub-1", secondsAfterStart: Queries));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => dir.Delete(recursive: true);

    private async Task<string> ExportAsync(string name, params string[] filters)
    {
        var path = Path.Combine(dir.FullName, name);
        var run = await CliRun.RunAsync(Env, ["access-log", "export", "--pdf", path, .. filters]);
        run.Code.ShouldBe(ExitCodes.Ok, run.Out + run.Err);
        return path;
    }

    [Fact]
    public async Task ReviewPdf_IsSignedAndItsChainProofVerifiesOffline_AndEveryTamperIsNamed()
    {
        // Queries 5 … 24 of every user, then only sub-1's.
        var path = await ExportAsync("review.pdf", "--from", At(5), "--to", At(25));

        PdfTools.Run("pdfsig", path).Output.ShouldContain("Signature Validation: Signature is Valid.");
        var qpdf = PdfTools.Run("qpdf", "--check", path);
        qpdf.Code.ShouldBe(0, qpdf.Output);
        var bundlePath = Path.Combine(dir.FullName, "review.json");
        PdfTools.Run("pdfdetach", "-save", "1", "-o", bundlePath, path).Code.ShouldBe(0);
        var bundleVerify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", bundlePath, "--public-key", AccessLogKey);
        bundleVerify.Code.ShouldBe(ExitCodes.Ok, bundleVerify.Out);
        var verify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", path, "--public-key", AccessLogKey);
        verify.Code.ShouldBe(ExitCodes.Ok, verify.Out);
        verify.Out.ShouldContain("INTACT");

        // The bundle: the 20 requests of the period, their outcomes, and the export's own entry, all access-log records.
        var bundle = JsonDocument.Parse(await File.ReadAllBytesAsync(bundlePath)).RootElement;
        var records = bundle.GetProperty("entries").EnumerateArray().Select(e => JsonDocument.Parse(e.GetProperty("canonical").GetString()!).RootElement).ToList();
        records.Count.ShouldBe(2 * 20 + 1);
        records.ShouldAllBe(r => r.GetProperty("stream_type").GetString() == "user"); // no ledger record: no ledger personal data
        var export = records.Single(r => r.GetProperty("seq").GetInt64() == bundle.GetProperty("export_entry_seq").GetInt64());
        export.GetProperty("payload").GetProperty("kind").GetString().ShouldBe("accesslog.export");
        export.GetProperty("payload").GetProperty("parameters").GetProperty("format").GetString().ShouldBe("pdf");

        // The pages list every query of the period with its seq, and the cover the checkpoint and the export's entry.
        var text = PdfTools.Run("pdftotext", "-layout", path, "-").Output;
        text.ShouldContain("Access-log review");
        text.ShouldContain("access-log/demo");
        foreach (var r in records.Where(r => r.GetProperty("action").GetString() == "query.requested"))
            text.ShouldContain($"seq {r.GetProperty("seq").GetInt64():N0}");
        text.ShouldContain("Name of sub-2");
        Directory.CreateDirectory(Path.Combine(PdfTools.RepoRoot(), "var"));
        PdfTools.Run("pdftoppm", "-png", "-r", "60", "-f", "1", path, Path.Combine(PdfTools.RepoRoot(), "var", "access-log-review")).Code.ShouldBe(0);

        // One flipped byte in a page: the signature no longer holds.
        var pdf = await File.ReadAllBytesAsync(path);
        var flipped = (byte[])pdf.Clone();
        var (start, _) = PdfTools.SignatureHex(flipped);
        flipped[start / 2] ^= 0x01;
        var flippedPath = Path.Combine(dir.FullName, "flipped.pdf");
        await File.WriteAllBytesAsync(flippedPath, flipped);
        var flippedRun = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", flippedPath, "--json");
        flippedRun.Code.ShouldBe(ExitCodes.Findings, flippedRun.Out);
        Checks(flippedRun.Out).ShouldContain("pdf_signature");

        // A changed entry inside the embedded bundle: the signature, the cover's hash and the chain proof all fail.
        var tampered = PdfSurgery.ReplaceBundle(pdf, json => json.Replace("Name of sub-2", "Name of sub-9", StringComparison.Ordinal));
        var tamperedPath = Path.Combine(dir.FullName, "tampered.pdf");
        await File.WriteAllBytesAsync(tamperedPath, tampered);
        var tamperedRun = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", tamperedPath, "--json");
        tamperedRun.Code.ShouldBe(ExitCodes.Findings, tamperedRun.Out);
        Checks(tamperedRun.Out).ShouldBe(["pdf_signature", "bundle_hash", AccessLogReviewVerifier.ProofCheck], ignoreOrder: true);
    }

    [Fact]
    public async Task ReviewBundle_EachContentRuleFails_NamingItsCheck()
    {
        var path = await ExportAsync("user.pdf", "--user", "sub-1");
        var bundlePath = Path.Combine(dir.FullName, "user.json");
        PdfTools.Run("pdfdetach", "-save", "1", "-o", bundlePath, path).Code.ShouldBe(0);
        var json = await File.ReadAllTextAsync(bundlePath);
        var key = CheckpointPublicKey.FromPem(await File.ReadAllTextAsync(AccessLogKey));
        EvidenceFile.Verify(json, key).Intact.ShouldBeTrue();
        var bundle = JsonDocument.Parse(json).RootElement;
        // sub-1's 10 queries with outcomes, its pending one, and the export's entry: scattered seqs, one proof.
        bundle.GetProperty("entries").GetArrayLength().ShouldBe(10 * 2 + 1 + 1);
        bundle.GetProperty("filters").GetProperty("user").GetString().ShouldBe("sub-1");

        List<string> Findings(string edited) => EvidenceFile.Verify(edited, key).Findings.Select(f => f.Check).Distinct().ToList();

        // An entry dropped: the proof no longer fits the tree.
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["entries"]!.AsArray().RemoveAt(3);
        Findings(node.ToJsonString()).ShouldContain(AccessLogReviewVerifier.ProofCheck);
        // The export's entry named wrongly.
        node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["export_id"] = "rev-someone-else";
        Findings(node.ToJsonString()).ShouldBe([AccessLogReviewVerifier.ExportEntryCheck]);
        // A period that the listed requests are not in.
        node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["period"]!["from"] = "2099-01-01T00:00:00.000000Z";
        Findings(node.ToJsonString()).ShouldBe([AccessLogReviewVerifier.PeriodCheck]);
        // Another key than the access log's own.
        using var other = CheckpointSigner.Generate();
        EvidenceFile.Verify(json, other.PublicKey).Findings.Select(f => f.Check).ShouldContain("trusted_key");
    }

    [Fact]
    public async Task AccessLogDown_NoPdfAndAClearMessage()
    {
        var env = Env;
        env[CliEnvironment.PortalDbVariable] = "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2";
        var path = Path.Combine(dir.FullName, "none.pdf");

        var run = await CliRun.RunAsync(env, "access-log", "export", "--pdf", path, "--from", At(0));

        run.Code.ShouldBe(ExitCodes.UsageOrConnection, run.Out + run.Err);
        run.Err.ShouldContain("could not be recorded in the access log, so no PDF was made");
        File.Exists(path).ShouldBeFalse();
        File.Exists(path + ".partial").ShouldBeFalse();
    }

    private static List<string> Checks(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("check").GetString()!).Distinct().ToList();
}

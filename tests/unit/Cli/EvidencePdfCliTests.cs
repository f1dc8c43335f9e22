using System.Text.Json;
using AuditPortal.Cli;
using AuditPortal.Data.PersonalData;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Tests.Evidence;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Verification.Evidence;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Cli;

/// <summary>
/// `auditportal evidence export --pdf` against a real ledger and access log, and `evidence verify` of what it wrote —
/// checked with the real poppler and qpdf tools and the independent verifier, then tampered with.
/// </summary>
public abstract class EvidencePdfCliTestBase(PostgresFixture db, AccessLogPostgresFixture accessLog)
    : CliTestBase(db), IClassFixture<AccessLogPostgresFixture>
{
    protected readonly AccessLogPostgresFixture accessLog = accessLog;

    protected const string Stream = "account/acc-000001";

    internal Dictionary<string, string> PdfEnv
    {
        get
        {
            var env = Env;
            env[CliEnvironment.PortalDbVariable] = accessLog.SuperuserConnectionString;
            return env;
        }
    }

    internal string KeyPath => Path.Combine(dir.FullName, "keys", "ledger-checkpoint-public.pem");

    internal async Task<string> ExportAsync(string name, string stream = Stream)
    {
        PdfTools.DevelopmentCertificate(Path.Combine(dir.FullName, "keys")).Dispose();
        var path = Path.Combine(dir.FullName, name);
        var export = await CliRun.RunAsync(PdfEnv, "evidence", "export", "--stream", stream, "--pdf", path, "--purpose", "test export");
        export.Code.ShouldBe(ExitCodes.Ok, export.Err);
        return path;
    }

}

public sealed class EvidencePdfCliTests(PostgresFixture db, AccessLogPostgresFixture accessLog) : EvidencePdfCliTestBase(db, accessLog)
{
    [Fact]
    public async Task PdfExport_IsSignedMaskedRecordedAndVerifies_AndEveryTamperIsNamed()
    {
        await SeedAsync(3_000);
        var path = await ExportAsync("report.pdf");

        // The real tools: signature valid, structure clean, bundle extractable and accepted by both verifiers.
        PdfTools.Run("pdfsig", path).Output.ShouldContain("Signature Validation: Signature is Valid.");
        var qpdf = PdfTools.Run("qpdf", "--check", path);
        qpdf.Code.ShouldBe(0, qpdf.Output);
        var bundlePath = Path.Combine(dir.FullName, "bundle.json");
        PdfTools.Run("pdfdetach", "-save", "1", "-o", bundlePath, path).Code.ShouldBe(0);
        (await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", bundlePath, "--public-key", KeyPath)).Code.ShouldBe(ExitCodes.Ok);
        var independent = IndependentVerifier.Run(bundlePath, KeyPath);
        independent.Code.ShouldBe(0, independent.Output);
        var verify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", path, "--public-key", KeyPath);
        verify.Code.ShouldBe(ExitCodes.Ok, verify.Out);
        verify.Out.ShouldContain("INTACT");

        // The text has every event and no clear personal value.
        var bundle = JsonDocument.Parse(await File.ReadAllBytesAsync(bundlePath)).RootElement;
        var events = bundle.GetProperty("events").EnumerateArray().ToList();
        events.Count.ShouldBeGreaterThan(3);
        var text = PdfTools.Run("pdftotext", "-layout", path, "-").Output;
        foreach (var e in events)
            text.ShouldContain($"seq {e.GetProperty("seq").GetInt64():N0}");
        var clear = await ClearPersonalValuesAsync(events);
        clear.Count.ShouldBeGreaterThan(0, "the stream must carry personal data for this test to mean anything");
        foreach (var value in clear)
            ShownAsToken(text, value).ShouldBeFalse($"the clear value \"{value}\" is in the text");
        text.ShouldContain("[personal data: masked]");

        // The export was recorded in the access log, as the operator, with the seq the cover names.
        var recorded = await accessLog.ScalarAsync<long>("SELECT max(seq) FROM ledger.events WHERE action = 'query.requested' AND payload::jsonb->>'kind' = 'evidence.export'");
        text.ShouldContain($"seq {recorded:N0} of access-log/demo");
        (await accessLog.ScalarAsync<string>("SELECT action FROM ledger.events ORDER BY seq DESC LIMIT 1")).ShouldBe("query.completed");

        await TamperAsync(path);
    }

    [Theory]
    [InlineData("postcode: 08946", true)]
    [InlineData("08946", true)]
    [InlineData("(08946)", true)]
    [InlineData("hash 3f08946a", false)]
    [InlineData("seq 108946", false)]
    public void ShownAsToken_FindsAValueOnlyWherePrinted(string text, bool shown) => ShownAsToken(text, "08946").ShouldBe(shown);

    private async Task TamperAsync(string path)
    {
        var original = await File.ReadAllBytesAsync(path);
        // One flipped byte anywhere — header, page content, the signature's own hex string, the embedded file, the trailer.
        var header = (byte[])original.Clone();
        header[0] ^= 0x01;
        Should.Throw<FormatException>(() => EvidencePdfVerifier.Verify(header)); // no longer a PDF: nothing is said to be intact
        var positions = Enumerable.Range(1, 11).Select(i => (long)original.Length * i / 12).Append(original.Length - 2).ToList();
        var (hexStart, hexEnd) = PdfTools.SignatureHex(original);
        positions.AddRange([hexStart - 1, hexStart + 40, hexStart + 2_000, hexEnd - 1, hexEnd]); // the delimiters, the CMS, its padding
        foreach (var at in positions)
        {
            var flipped = (byte[])original.Clone();
            flipped[at] ^= 0x01;
            var report = EvidencePdfVerifier.Verify(flipped);
            report.Intact.ShouldBeFalse($"a flip at byte {at} of {original.Length} went unnoticed");
            report.PdfFindings.Select(f => f.Check).ShouldContain(EvidencePdfVerifier.SignatureCheck, $"flip at {at}");
        }
        var sample = Path.Combine(dir.FullName, "flipped.pdf");
        var middle = (byte[])original.Clone();
        middle[original.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(sample, middle);
        PdfTools.Run("pdfsig", sample).Output.ShouldNotContain("Signature is Valid.");

        // A tampered bundle in place of the real one: the signature, the cover's hash and the bundle's own check all name it.
        var replaced = Path.Combine(dir.FullName, "replaced.pdf");
        await File.WriteAllBytesAsync(replaced, PdfSurgery.ReplaceBundle(original, PdfSurgery.ChangeFirstLeafHash));
        var verify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", replaced, "--public-key", KeyPath);
        verify.Code.ShouldBe(ExitCodes.Findings, verify.Out);
        verify.Out.ShouldContain("FINDING pdf_signature");
        verify.Out.ShouldContain("FINDING bundle_hash");
        verify.Out.ShouldContain("FINDING leaf_hash");
        verify.Out.ShouldNotContain("INTACT");
    }

    internal static IEnumerable<string> Subjects(IEnumerable<JsonElement> events)
    {
        var subjects = new List<string>();
        foreach (var e in events)
        {
            using var record = JsonDocument.Parse(e.GetProperty("canonical").GetString()!);
            PersonalDataEnvelope.FindAll(record.RootElement.GetProperty("payload"), "$", (_, env) => subjects.Add(env.GetProperty("sub").GetString()!));
        }
        return subjects.Distinct();
    }

    /// <summary>Every personal value of the events in clear (decrypted with the subjects' keys), the strings a leak would show.</summary>
    private async Task<List<string>> ClearPersonalValuesAsync(IEnumerable<JsonElement> events)
    {
        var keys = new KeyStore(db.DataSource(db.SuperuserConnectionString));
        var values = new List<string>();
        foreach (var e in events)
        {
            var payload = System.Text.Json.Nodes.JsonNode.Parse(e.GetProperty("canonical").GetString()!)!["payload"]!.AsObject();
            foreach (var (field, node) in payload)
            {
                if (PersonalDataCipher.SubjectOf(node) is not { } subject)
                    continue;
                var value = PersonalDataCipher.Decrypt(node, field, await keys.GetKeyAsync(subject));
                if (value.Status == PersonalValueStatus.Decrypted)
                    values.AddRange(Strings(value.Value).Where(s => s.Length >= 5));
            }
        }
        return values.Distinct().ToList();
    }

    /// <summary>
    /// Whether <paramref name="value"/> stands in <paramref name="text"/> as a value would be printed: not inside a longer run
    /// of letters and digits. A short value such as a postcode otherwise turns up by chance inside a hash or a signature
    /// (a CI run found "08946" in one).
    /// </summary>
    internal static bool ShownAsToken(string text, string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}]){System.Text.RegularExpressions.Regex.Escape(value)}(?![\p{{L}}\p{{N}}])");

    private static IEnumerable<string> Strings(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        System.Text.Json.Nodes.JsonObject o => o.SelectMany(p => Strings(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.SelectMany(Strings),
        _ => [],
    };
}

/// <summary>A crypto-shredded subject's fields print as erased, and the export still verifies (its own database).</summary>
public sealed class EvidencePdfErasureCliTests(PostgresFixture db, AccessLogPostgresFixture accessLog) : EvidencePdfCliTestBase(db, accessLog)
{
    [Fact]
    public async Task CryptoShreddedSubject_ExportsAsErased_AndStillVerifies()
    {
        await SeedAsync(3_000);
        var before = await ExportAsync("before.pdf");
        var bundlePath = Path.Combine(dir.FullName, "before.json");
        PdfTools.Run("pdfdetach", "-save", "1", "-o", bundlePath, before).Code.ShouldBe(0);
        var events = JsonDocument.Parse(await File.ReadAllBytesAsync(bundlePath)).RootElement.GetProperty("events").EnumerateArray().ToList();
        var subject = EvidencePdfCliTests.Subjects(events).First();
        await new KeyStore(db.DataSource(db.KeyEraserConnectionString)).ShredAsync(subject, "dpo", "erasure request");

        var after = await ExportAsync("after.pdf");
        var text = PdfTools.Run("pdftotext", "-layout", after, "-").Output;
        text.ShouldContain(": [erased]");
        PdfTools.Run("pdftotext", "-layout", before, "-").Output.ShouldNotContain(": [erased]");
        var verify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", after, "--public-key", KeyPath);
        verify.Code.ShouldBe(ExitCodes.Ok, verify.Out);
    }

}

/// <summary>An export the access log cannot record produces nothing (its own database).</summary>
public sealed class EvidencePdfOutageCliTests(PostgresFixture db) : CliTestBase(db)
{
    private const string Stream = "account/acc-000001";

    [Fact]
    public async Task AccessLogDown_ProducesNothing()
    {
        (await CliRun.RunAsync(Env, "ledger", "init")).Code.ShouldBe(ExitCodes.Ok);
        PdfTools.DevelopmentCertificate(Path.Combine(dir.FullName, "keys")).Dispose();
        var path = Path.Combine(dir.FullName, "never.pdf");
        var env = Env;
        env[CliEnvironment.PortalDbVariable] = "Host=127.0.0.1;Port=1;Username=postgres;Database=portal;Timeout=2";
        var export = await CliRun.RunAsync(env, "evidence", "export", "--stream", Stream, "--pdf", path);
        export.Code.ShouldBe(ExitCodes.UsageOrConnection);
        export.Err.ShouldContain("access log");
        File.Exists(path).ShouldBeFalse();
        File.Exists(path + ".partial").ShouldBeFalse();
    }

}

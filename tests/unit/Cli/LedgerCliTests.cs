using System.Text.Json;
using AuditPortal.Cli;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Verification.Evidence;

namespace AuditPortal.Tests.Cli;

/// <summary>A CLI test class: its own database (per class), keys and witness directory.</summary>
public abstract class CliTestBase(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    protected readonly PostgresFixture db = db;
    protected readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-cli-");

    public void Dispose() => dir.Delete(recursive: true);

    protected Dictionary<string, string> Env => new()
    {
        [CliEnvironment.PrimaryVariable] = db.SuperuserConnectionString,
        [CliEnvironment.KeysDirVariable] = Path.Combine(dir.FullName, "keys"),
        [CliEnvironment.WitnessDirVariable] = Path.Combine(dir.FullName, "witness"),
    };

    protected async Task SeedAsync(int events)
    {
        (await CliRun.RunAsync(Env, "ledger", "init")).Code.ShouldBe(ExitCodes.Ok);
        var seed = await CliRun.RunAsync(Env, "ledger", "seed", "--events", events.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "7", "--batch", "500", "--checkpoint-every", "1000");
        seed.Code.ShouldBe(ExitCodes.Ok, seed.Err);
    }

}

/// <summary>Verify exits 0 on the seeded ledger and 1 with the exact seq after a superuser's tampering.</summary>
public sealed class CliTamperTests(PostgresFixture db) : CliTestBase(db)
{
    [Fact]
    public async Task Verify_SeededThenTampered_ExitsZeroThenOneWithTheSeq()
    {
        await SeedAsync(3_000);
        var clean = await CliRun.RunAsync(Env, "ledger", "verify", "--json");
        clean.Code.ShouldBe(ExitCodes.Ok, clean.Out + clean.Err);
        JsonDocument.Parse(clean.Out).RootElement.GetProperty("rows").GetInt64().ShouldBe(3_000);

        await db.ExecuteAsync("ALTER TABLE ledger.events DISABLE TRIGGER ALL; UPDATE ledger.events SET actor = 'mallory' WHERE seq = 1234; ALTER TABLE ledger.events ENABLE TRIGGER ALL;");
        var tampered = await CliRun.RunAsync(Env, "ledger", "verify", "--json", "--parallel", "2");
        tampered.Code.ShouldBe(ExitCodes.Findings);
        var findings = JsonDocument.Parse(tampered.Out).RootElement.GetProperty("findings").EnumerateArray().ToList();
        findings.ShouldContain(f => f.GetProperty("kind").GetString() == "HashMismatch" && f.GetProperty("seq").GetInt64() == 1234);

        // Proofs and exports still work on a tampered ledger, and the offline check then fails.
        var evidencePath = Path.Combine(dir.FullName, "e.json");
        var inclusion = await CliRun.RunAsync(Env, "proof", "inclusion", "--seq", "1234", "--json");
        inclusion.Code.ShouldBe(ExitCodes.Ok, inclusion.Err);
        await File.WriteAllTextAsync(evidencePath, inclusion.Out);
        (await CliRun.RunAsync(Env, "evidence", "verify", evidencePath)).Code.ShouldBe(ExitCodes.Findings);
    }

}

/// <summary>Proof and evidence documents from a real database check out offline.</summary>
public sealed class CliProofTests(PostgresFixture db) : CliTestBase(db)
{
    [Fact]
    public async Task ProofsAndEvidence_FromTheDatabase_VerifyOffline()
    {
        await SeedAsync(2_500);
        var keyPath = Path.Combine(dir.FullName, "keys", "ledger-checkpoint-public.pem");
        var docs = new Dictionary<string, string[]>
        {
            ["inclusion.json"] = ["proof", "inclusion", "--seq", "17", "--json"],
            ["consistency.json"] = ["proof", "consistency", "--from", "1000", "--to", "2500", "--json"],
        };
        foreach (var (name, args) in docs)
        {
            var run = await CliRun.RunAsync(Env, args);
            run.Code.ShouldBe(ExitCodes.Ok, run.Err);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, name), run.Out);
            var check = await CliRun.RunAsync(Env, "evidence", "verify", Path.Combine(dir.FullName, name), "--public-key", keyPath);
            check.Code.ShouldBe(ExitCodes.Ok, name + ": " + check.Out);
            var independent = IndependentVerifier.Run(Path.Combine(dir.FullName, name), keyPath);
            independent.Code.ShouldBe(0, name + " (independent verifier): " + independent.Output);
        }

        var bundle = Path.Combine(dir.FullName, "bundle.json");
        var export = await CliRun.RunAsync(Env, "evidence", "export", "--stream", "account/acc-000001", "--out", bundle);
        export.Code.ShouldBe(ExitCodes.Ok, export.Err);
        var verify = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", bundle, "--public-key", keyPath);
        verify.Code.ShouldBe(ExitCodes.Ok, verify.Out);
        verify.Out.ShouldContain("INTACT");
        var independentBundle = IndependentVerifier.Run(bundle, keyPath);
        independentBundle.Code.ShouldBe(0, "bundle (independent verifier): " + independentBundle.Output);
        JsonDocument.Parse(await File.ReadAllTextAsync(bundle)).RootElement.GetProperty("format").GetString().ShouldBe("auditportal-evidence/v2");

        // The same bundle with its last event dropped still chains from stream_seq 1, but its last event is not the
        // stream's committed head: both verifiers reject it.
        var node = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(bundle))!;
        var events = node["events"]!.AsArray();
        events.RemoveAt(events.Count - 1);
        var dropped = Path.Combine(dir.FullName, "dropped.json");
        await File.WriteAllTextAsync(dropped, node.ToJsonString());
        var droppedCheck = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", dropped, "--public-key", keyPath);
        droppedCheck.Code.ShouldBe(ExitCodes.Findings, droppedCheck.Out);
        droppedCheck.Out.ShouldContain("FINDING stream_head");
        var (nodeCode, nodeOut) = IndependentVerifier.Run(dropped, keyPath);
        nodeCode.ShouldBe(1, nodeOut);
        nodeOut.ShouldContain("FINDING stream_head");

        // A stream with no events: the export proves its absence.
        var absent = Path.Combine(dir.FullName, "absent.json");
        (await CliRun.RunAsync(Env, "evidence", "export", "--stream", "account/no-such-account", "--out", absent)).Code.ShouldBe(ExitCodes.Ok);
        (await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", absent, "--public-key", keyPath)).Code.ShouldBe(ExitCodes.Ok);
        IndependentVerifier.Run(absent, keyPath).Code.ShouldBe(0);

        // The witness holds each checkpoint as text, DER signature and C2SP signed note; the vkeys are published.
        var witness = Directory.GetFiles(Path.Combine(dir.FullName, "witness"));
        witness.Count(f => f.EndsWith(".note", StringComparison.Ordinal)).ShouldBe(witness.Count(f => f.EndsWith(".txt", StringComparison.Ordinal)));
        (await File.ReadAllLinesAsync(Path.Combine(dir.FullName, "keys", "ledger-checkpoint.vkeys"))).Length.ShouldBe(2);
    }

}

/// <summary>Operator mistakes: exit 2 and one clear line, never a stack trace.</summary>
public sealed class CliUsageTests(PostgresFixture db) : CliTestBase(db)
{
    [Theory]
    [InlineData("ledger", "verify", "--from", "5", "--to", "2")]
    [InlineData("ledger", "verify", "--parallel", "0")]
    [InlineData("ledger", "seed", "--events", "0")]
    [InlineData("proof", "inclusion")]
    [InlineData("proof", "consistency", "--from", "9", "--to", "3")]
    [InlineData("evidence", "export", "--stream", "no-slash")]
    [InlineData("evidence", "verify", "/no/such/file.json")]
    [InlineData("no-such-command")]
    public async Task BadArguments_ExitTwoWithAMessage(params string[] args)
    {
        var run = await CliRun.RunAsync(Env, args);
        run.Code.ShouldBe(ExitCodes.UsageOrConnection);
        run.Err.ShouldStartWith("auditportal: ");
    }

    [Fact]
    public async Task UnreachableServer_ExitsTwoWithAClearMessage()
    {
        var env = Env;
        env[CliEnvironment.PrimaryVariable] = "Host=127.0.0.1;Port=1;Username=postgres;Database=x;Timeout=3";
        var run = await CliRun.RunAsync(env, "ledger", "verify");
        run.Code.ShouldBe(ExitCodes.UsageOrConnection);
        run.Err.ShouldContain("cannot reach PostgreSQL");
    }

    [Fact]
    public async Task EveryCommand_HasHelp()
    {
        string[][] commands = [["ledger", "init"], ["ledger", "seed"], ["ledger", "verify"], ["ledger", "checkpoint"],
            ["proof", "inclusion"], ["proof", "consistency"], ["evidence", "export"], ["evidence", "verify"]];
        foreach (var command in commands)
        {
            var run = await CliRun.RunAsync(Env, [.. command, "--help"]);
            run.Code.ShouldBe(0, string.Join(' ', command));
            run.Out.ShouldContain("Usage:");
        }
    }
}

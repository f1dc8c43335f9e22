using System.Globalization;
using System.Text.Json;
using AuditPortal.Cli;
using AuditPortal.Cli.Commands;
using AuditPortal.Data.AccessLog;
using AuditPortal.Tests.Data.AccessLog;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Tests.Cli;

/// <summary>
/// `auditportal access-log verify|export|checkpoint` on a real access log written by the portal's writer (signed
/// checkpoints and a witness), and the tamper drills: an edited entry, a deleted entry, a truncated-and-reforged
/// head, each found at its exact seq.
/// </summary>
public sealed class AccessLogCliTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>, IAsyncLifetime, IDisposable
{
    private const int Queries = 20;
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-accesslog-cli-");

    private string KeysDir => Path.Combine(dir.FullName, "keys");
    private string WitnessDir => Path.Combine(dir.FullName, "witness");

    private Dictionary<string, string> Env => new()
    {
        [CliEnvironment.PortalDbVariable] = db.SuperuserConnectionString,
        [CliEnvironment.KeysDirVariable] = KeysDir,
        [CliEnvironment.AccessLogWitnessDirVariable] = WitnessDir,
        // The ledger's witness: must never be the one the access-log commands use.
        [CliEnvironment.WitnessDirVariable] = Path.Combine(dir.FullName, "ledger-witness"),
    };

    /// <summary>A fresh access log of <see cref="Queries"/> queries (two events each), a checkpoint every 10 events, witnessed.</summary>
    public async Task InitializeAsync()
    {
        await AccessLogTestData.EmptyAsync(db);
        CheckpointKeys.EnsureExists(KeysDir, AccessLogCommands.KeyName, AccessLogEvents.Origin("demo"));
        await LogAsync(0, Queries, signed: true);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => dir.Delete(recursive: true);

    private async Task LogAsync(int first, int count, bool signed)
    {
        using var signer = signed ? CheckpointKeys.LoadSigner(KeysDir, AccessLogCommands.KeyName) : null;
        await using var writer = AccessLogTestData.Writer(db, new AccessLogWriterOptions
        {
            Signer = signer,
            Witness = signed ? new WitnessDirectory(WitnessDir) : null,
            CheckpointEveryEvents = 10,
        });
        for (var n = first; n < first + count; n++)
            await AccessLogTestData.LogQueryAsync(writer, AccessLogTestData.Entry(n, "sub-" + (n % 3).ToString(CultureInfo.InvariantCulture), secondsAfterStart: n));
    }

    private async Task<List<(string Kind, long Seq)>> FindingsAsync()
    {
        var run = await CliRun.RunAsync(Env, "access-log", "verify", "--json");
        run.Code.ShouldBe(ExitCodes.Findings, run.Out + run.Err);
        return JsonDocument.Parse(run.Out).RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("kind").GetString()!, f.GetProperty("seq").GetInt64())).ToList();
    }

    private Task TamperAsync(string sql) => db.ExecuteAsync($"""
        ALTER TABLE ledger.events DISABLE TRIGGER ALL; ALTER TABLE ledger.checkpoints DISABLE TRIGGER ALL;
        {sql}
        ALTER TABLE ledger.events ENABLE TRIGGER ALL; ALTER TABLE ledger.checkpoints ENABLE TRIGGER ALL;
        """);

    [Fact]
    public async Task Verify_Intact_ExitsZeroWithEveryEntryAndTheAccessLogsOwnKeyAndWitness()
    {
        var run = await CliRun.RunAsync(Env, "access-log", "verify", "--json");

        run.Code.ShouldBe(ExitCodes.Ok, run.Out + run.Err);
        var result = JsonDocument.Parse(run.Out).RootElement;
        result.GetProperty("rows").GetInt64().ShouldBe(2 * Queries);
        result.GetProperty("witness").GetString().ShouldBe(WitnessDir);
        result.GetProperty("public_key_id").GetString().ShouldBe(CheckpointKeys.LoadPublic(KeysDir, AccessLogCommands.KeyName).KeyId);
        new WitnessDirectory(WitnessDir).ReadAll().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Verify_EditedEntry_HashMismatchAtItsSeq()
    {
        await TamperAsync("UPDATE ledger.events SET payload = replace(payload, 'timeline.read', 'dashboard.read') WHERE seq = 17;");

        var findings = await FindingsAsync();

        findings.ShouldContain(("HashMismatch", 17L));
        findings.Where(f => f.Kind == "HashMismatch").Select(f => f.Seq).ShouldBe([17L]);
    }

    [Fact]
    public async Task Verify_DeletedEntry_GapAtTheNextSeq()
    {
        await TamperAsync("DELETE FROM ledger.events WHERE seq = 23;");

        var findings = await FindingsAsync();

        findings.ShouldContain(("GlobalSequenceGap", 24L));
    }

    [Fact]
    public async Task Verify_TruncatedAndReforgedHead_WitnessMismatchAtTheFirstWitnessedSizeBeyondTheCut()
    {
        var firstLost = (await db.ScalarAsync<long>("SELECT min(size) FROM ledger.checkpoints WHERE size > 25"));
        await TamperAsync("DELETE FROM ledger.checkpoints WHERE size > 25; DELETE FROM ledger.events WHERE seq > 25;");
        await LogAsync(100, Queries, signed: false); // a new head, chained correctly, but not the history the witness saw

        var findings = await FindingsAsync();

        findings.ShouldContain(("WitnessMismatch", firstLost));
        findings.ShouldNotContain(f => f.Kind == "HashMismatch" || f.Kind == "GlobalChainBroken");
    }

    [Fact]
    public async Task Checkpoint_SignsTheHeadIntoTheAccessLogsWitness_ThenExportWritesEveryQuery()
    {
        var checkpoint = await CliRun.RunAsync(Env, "access-log", "checkpoint");
        checkpoint.Code.ShouldBe(ExitCodes.Ok, checkpoint.Err);
        checkpoint.Out.ShouldStartWith("access-log/demo\n" + (2 * Queries).ToString(CultureInfo.InvariantCulture) + "\n");
        Directory.Exists(Path.Combine(dir.FullName, "ledger-witness")).ShouldBeFalse();
        (await CliRun.RunAsync(Env, "access-log", "verify")).Code.ShouldBe(ExitCodes.Ok);

        var csvPath = Path.Combine(dir.FullName, "review.csv");
        var export = await CliRun.RunAsync(Env, "access-log", "export", "--user", "sub-1", "--out", csvPath);
        export.Code.ShouldBe(ExitCodes.Ok, export.Err);
        var lines = await File.ReadAllLinesAsync(csvPath);
        lines[0].ShouldStartWith("seq,requested_at,subject_id,");
        lines.Length.ShouldBe(1 + Enumerable.Range(0, Queries).Count(n => n % 3 == 1));
        lines.Skip(1).ShouldAllBe(l => l.Split(',', StringSplitOptions.None)[2] == "sub-1");

        (await CliRun.RunAsync(Env, "access-log", "export", "--from", "yesterday")).Code.ShouldBe(ExitCodes.UsageOrConnection);
    }
}

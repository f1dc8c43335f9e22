// Evidence PDF export and verification of one stream of N events (docs/evidence-pdf.md, docs/performance.md), on the
// dev environment (`./portal up`, then `eval "$(./portal env)"`):
//
//   dotnet run -c Release --project benchmarks/EvidencePdfBenchmark -- prepare --events 10000   # once: appends the stream
//   dotnet run -c Release --project benchmarks/EvidencePdfBenchmark -- measure --events 10000 [--repeat 2]   # cold, then warm
//   dotnet run -c Release --project benchmarks/EvidencePdfBenchmark -- measure --events 1000 --set   # an evidence set instead
//
// --set exports the ledger's first N events (seq 1…N: the demo's many streams) as a set of "starred" events — one partial
// bundle per stream at one checkpoint (docs/ledger-format.md §8.8), the multi-stream scopes' path — instead of the stream.
//
// prepare appends N events (a payment stream whose every event carries a personal field, a correction every 50th and
// a late arrival every 40th) to the stream bench/evidence-N of the dev ledger and signs a checkpoint. measure runs the
// whole export as the CLI does — access-log entry, bundle from the ledger with proofs, offline check, PDF drawn and
// signed — then `evidence verify` of the PDF, and prints wall time, PDF size, each export's peak working set growth over
// the working set when it started (sampled every 5 ms while it runs: the export's memory, as a portal process would see
// it) and the process's peak over its own start.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Schema;
using AuditPortal.Evidence;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using Npgsql;

var mode = args.FirstOrDefault() ?? "";
var events = int.Parse(Arg("--events") ?? "1000", CultureInfo.InvariantCulture);
var primary = Env("AUDITPORTAL_PRIMARY");
var portalDb = Env("AUDITPORTAL_PORTAL_DB");
var keys = Env("AUDITPORTAL_KEYS_DIR");
var witness = Env("AUDITPORTAL_WITNESS_DIR");
var stream = new StreamKey("bench", "evidence-" + events.ToString(CultureInfo.InvariantCulture));

if (mode == "prepare")
{
    using var signer = CheckpointSigner.FromPem(File.ReadAllText(Path.Combine(keys, "ledger-checkpoint-private.pem")),
        File.ReadAllText(Path.Combine(keys, "ledger-checkpoint-ed25519-private.pem")));
    await using var appender = new LedgerAppender(CliAs(primary, LedgerRoles.Ledger.Writer), TimeProvider.System,
        new AppenderOptions { Signer = signer, Witness = new WitnessDirectory(witness), CheckpointEveryEvents = int.MaxValue, CheckpointEverySeconds = int.MaxValue });
    var start = DateTime.UtcNow.AddDays(-60);
    var previous = new List<Guid>();
    for (var from = 0; from < events; from += 1000)
    {
        var batch = new List<NewEvent>();
        for (var i = from; i < Math.Min(events, from + 1000); i++)
        {
            var id = Guid.CreateVersion7();
            var correction = i % 50 == 49;
            batch.Add(new NewEvent
            {
                StreamType = stream.Type,
                StreamId = stream.Id,
                OccurredAt = start.AddMinutes(i).AddDays(i % 40 == 39 ? -10 : 0),
                Actor = "svc:payments",
                Action = correction ? "cash.corrected" : "cash.deposited",
                Payload = new JsonObject
                {
                    ["amount"] = (100 + i).ToString(CultureInfo.InvariantCulture) + ".00",
                    ["currency"] = "EUR",
                    ["method"] = "sepa",
                    ["balance_after"] = (1000 + i).ToString(CultureInfo.InvariantCulture) + ".00",
                    ["reference"] = "ref-" + i.ToString("D6", CultureInfo.InvariantCulture),
                    ["payer_name"] = "Payer " + (i % 97).ToString(CultureInfo.InvariantCulture),
                },
                PersonalFields = [new PersonalField("payer_name", "bench-subject-" + (i % 97).ToString(CultureInfo.InvariantCulture))],
                Supersedes = correction ? previous[^1] : null,
                EventId = id,
            });
            previous.Add(id);
        }
        await appender.AppendAsync(batch);
    }
    var checkpoint = await appender.CreateCheckpointAsync();
    Console.WriteLine($"appended {events:N0} events to {stream}; checkpoint size {checkpoint?.Checkpoint.Size:N0}");
    return 0;
}
if (mode != "measure")
{
    Console.Error.WriteLine("usage: EvidencePdfBenchmark prepare|measure --events N   (after eval \"$(./portal env)\")");
    return 2;
}

var process = Process.GetCurrentProcess();
process.Refresh();
var baseline = process.WorkingSet64;
var ledgerKey = CheckpointPublicKey.FromPem(File.ReadAllText(Path.Combine(keys, "ledger-checkpoint-public.pem")));
await using var ledger = NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("AUDITPORTAL_REPLICA") ?? primary);
await using var accessLogData = NpgsqlDataSource.Create(AutoPrepare.Apply(CliAs(portalDb, LedgerRoles.AccessLog.Writer)));
await using var writer = new AccessLogWriter(accessLogData, TimeProvider.System, new AccessLogWriterOptions());
using var signing = EvidenceSigningCertificate.FromEnvironment(Environment.GetEnvironmentVariable, keys);
var proofs = new ProofService(ledger, ledgerKey, TimeProvider.System)
{
    Ed25519PublicKey = Ed25519CheckpointKey.PublicKeyFromPem(File.ReadAllText(Path.Combine(keys, "ledger-checkpoint-ed25519-public.pem"))),
};
var exporter = new EvidencePdfExporter(proofs, ledger, writer, accessLogData, AccessLogEvents.Origin("demo"), ledgerKey, signing, TimeProvider.System);
StarredEvents? set = null;
if (args.Contains("--set"))
{
    await using var read = ledger.CreateCommand($"SELECT event_id FROM ledger.events WHERE seq <= {events.ToString(CultureInfo.InvariantCulture)} ORDER BY seq");
    await using var reader = await read.ExecuteReaderAsync();
    var ids = new List<Guid>();
    while (await reader.ReadAsync())
        ids.Add(reader.GetGuid(0));
    set = new StarredEvents("benchmark", ids);
}

if (args.Contains("--phases"))
{
    // Where the time goes, each phase alone (not the figure to report: the export below is).
    var w = Stopwatch.StartNew();
    var built = await proofs.StreamBundleAsync(stream, "bench");
    Console.WriteLine($"bundle from the ledger: {w.Elapsed.TotalSeconds:F2} s"); w.Restart();
    var json = EvidencePdfExporter.Serialize(built);
    built = null; // as in the export: the PDF is drawn from the bundle read back from these bytes
    await Task.Yield(); // as in the export: off the stack of the ledger read, which holds its rows
    var checkReport = AuditPortal.Verification.Evidence.EvidenceFile.VerifyBundleV2(json, ledgerKey, out var bundle);
    Console.WriteLine($"serialize + verify bundle: {w.Elapsed.TotalSeconds:F2} s"); w.Restart();
    var custody = new EvidenceCustody { ExportId = "x", ExportedBy = "b", ExportedAs = "o", ExportedAt = DateTime.UtcNow, PortalVersion = "v", AccessLogSeq = 1, AccessLogHash = "h", AccessLogOrigin = "o" };
    await EvidencePdfWriter.WriteAsync(new EvidencePdfInput(json, bundle!, checkReport, custody, new MaskingPresenter(new HashSet<string>())), signing);
    Console.WriteLine($"draw + sign PDF: {w.Elapsed.TotalSeconds:F2} s");
    return 0;
}

// A cold process first (what the CLI pays), then warm runs in the same process (what a running portal pays).
var repeat = int.Parse(Arg("--repeat") ?? "2", CultureInfo.InvariantCulture);
EvidencePdfExport export = null!;
var times = new List<double>();
var growths = new List<long>();
for (var r = 0; r < repeat; r++)
{
    // Each export's own peak: the working set sampled while it runs, over the working set when it started.
    var start = Environment.WorkingSet;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        var highest = start;
        while (!sampling.IsCancellationRequested)
        {
            highest = Math.Max(highest, Environment.WorkingSet);
            await Task.Delay(5);
        }
        return Math.Max(highest, Environment.WorkingSet);
    });
    var watch = Stopwatch.StartNew();
    var who = new EvidenceRequester("bench", "benchmark", ["operator"], "benchmark");
    export = set is null ? await exporter.ExportStreamAsync(stream, who) : await exporter.ExportSetAsync(set, who);
    times.Add(watch.Elapsed.TotalSeconds);
    await sampling.CancelAsync();
    growths.Add(await sampler - start);
}
process.Refresh();
var peak = process.PeakWorkingSet64;
var verifyWatch = Stopwatch.StartNew();
var report = EvidencePdfVerifier.Verify(export.Pdf, ledgerKey);
var verifyTime = verifyWatch.Elapsed;
if (!report.Intact)
{
    Console.Error.WriteLine("the exported PDF does not verify: " + string.Join("; ", report.Findings.Select(f => f.Check)));
    return 1;
}
var output = Path.Combine(Path.GetTempPath(), $"evidence-{events}.pdf");
await File.WriteAllBytesAsync(output, export.Pdf);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{(set is null ? "" : "evidence set, ")}events {export.EventCount:N0}: export {string.Join(" / ", times.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))} s (cold / warm), PDF {export.Pdf.Length / 1_048_576.0:F2} MB, peak working set growth {string.Join(" / ", growths.Select(g => (g / 1_048_576.0).ToString("F0", CultureInfo.InvariantCulture)))} MB (each export over its start), {(peak - baseline) / 1_048_576.0:F0} MB (the process over its start); verify {verifyTime.TotalSeconds:F2} s ({output})"));
return 0;

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
    : throw new InvalidOperationException($"{name} is not set: run eval \"$(./portal env)\" first");

static string CliAs(string connectionString, string role) =>
    new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = null }.ConnectionString;

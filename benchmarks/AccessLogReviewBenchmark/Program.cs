// The access-log review at scale (docs/access-log-review.md, docs/performance.md):
//   1. fills an empty database with the deterministic access log (AccessLogGenerator) unless it has entries: bulk
//      loaded like `ledger seed` (secondary indexes built once at the end), then the portal migrations, whose V004
//      marks the pending requests as it would for an existing access log;
//   2. first page (50 entries, newest first) of filter combinations: p50/p95 over --repeat runs each;
//   3. anomaly evaluation: the engine over every entry (read with ForwardAsync, as the monitor does), entries/s; with
//      --anomaly-queries N over the log's newest ~N queries only (the monitor reads what follows its watermark);
//   4. a whole verification of the access log, and of the ledger database --ledger, alternately: rows/s each;
//      --verify-rounds R rounds (default 3).
//
//   dotnet run -c Release --project benchmarks/AccessLogReviewBenchmark -- \
//     --server "Host=127.0.0.1;Port=PORT;Username=postgres" --database accesslog_review --queries 500000 \
//     [--ledger ledger_bench] [--repeat 30] [--seed 42] [--skip anomalies,verify] [--anomaly-queries N] [--verify-rounds R]
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Benchmarks.AccessLogReview;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.AccessLog.Anomalies;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Reading;
using AuditPortal.Data.Replica;
using AuditPortal.Data.Schema;
using Npgsql;

var server = Arg("--server") ?? "Host=127.0.0.1;Port=55432;Username=postgres";
var database = Arg("--database") ?? "accesslog_review";
var queries = int.Parse(Arg("--queries") ?? "100000", CultureInfo.InvariantCulture);
var repeat = int.Parse(Arg("--repeat") ?? "30", CultureInfo.InvariantCulture);
var seed = int.Parse(Arg("--seed") ?? "42", CultureInfo.InvariantCulture);
var ledgerDb = Arg("--ledger");
var anomalyQueries = Arg("--anomaly-queries") is { } aq ? long.Parse(aq, CultureInfo.InvariantCulture) : (long?)null;
var verifyRounds = int.Parse(Arg("--verify-rounds") ?? "3", CultureInfo.InvariantCulture);
var skip = (Arg("--skip") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
string On(string db, string? user = null)
{
    var b = new NpgsqlConnectionStringBuilder(server) { Database = db };
    if (user is not null)
        b.Username = user;
    return b.ConnectionString;
}

await using (var admin = new NpgsqlConnection(On("postgres")))
{
    await admin.OpenAsync();
    await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = database } } };
    if ((long)(await exists.ExecuteScalarAsync())! == 0)
        await new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin).ExecuteNonQueryAsync();
}
await LedgerMigrator.MigrateAsync(On(database), LedgerRoles.AccessLog);

long existing;
await using (var c = new NpgsqlConnection(On(database)))
{
    await c.OpenAsync();
    existing = (long)(await new NpgsqlCommand("SELECT count(*) FROM ledger.events", c).ExecuteScalarAsync())!;
}
if (existing == 0)
{
    var sw = Stopwatch.StartNew();
    // The bulk-load path of `ledger seed`: the portal migrations come after it (their indexes built once, V004's markers
    // from the log as it stands), so the load has no portal index or trigger to maintain row by row.
    var bulk = await LedgerBulkLoad.DropIfEmptyAsync(On(database));
    // The access log has no text search: portal migration V005 drops the column (IF EXISTS, so it finds nothing to do
    // after this). Dropped before the load so that the load, like every append after V005, does not compute it.
    await using (var owner = new NpgsqlConnection(On(database)))
    {
        await owner.OpenAsync();
        await new NpgsqlCommand($"ALTER TABLE ledger.events DROP COLUMN IF EXISTS {LedgerBulkLoad.SearchTextColumn}", owner).ExecuteNonQueryAsync();
    }
    await using (var appender = new LedgerAppender(On(database, LedgerRoles.AccessLog.Writer), TimeProvider.System,
        new AppenderOptions { Origin = "access-log/bench", CheckpointEveryEvents = int.MaxValue, CheckpointEverySeconds = int.MaxValue, BulkLoad = bulk }))
    {
        var inFlight = new Queue<Task>();
        var batch = new List<NewEvent>(10_000);
        long done = 0;
        foreach (var e in AccessLogGenerator.Events(queries, seed, new DateTime(2026, 9, 1, 6, 0, 0, DateTimeKind.Utc)))
        {
            batch.Add(e);
            if (batch.Count == 10_000)
            {
                inFlight.Enqueue(appender.AppendAsync(batch)); // a bulk appender prepares the next batch while it writes this one
                batch = new List<NewEvent>(10_000);
                if (inFlight.Count >= 2)
                    await inFlight.Dequeue();
                if ((done += 10_000) % 200_000 == 0)
                    Console.Error.WriteLine(FormattableString.Invariant($"  {done:N0} events ({done / sw.Elapsed.TotalSeconds:N0}/s)"));
            }
        }
        if (batch.Count > 0)
            inFlight.Enqueue(appender.AppendAsync(batch));
        while (inFlight.Count > 0)
            await inFlight.Dequeue();
    }
    var appended = sw.Elapsed;
    if (bulk)
        await LedgerBulkLoad.RestoreAsync(On(database));
    await PortalMigrator.MigrateAsync(On(database), LedgerRoles.AccessLog);
    await using var c = new NpgsqlConnection(On(database));
    await c.OpenAsync();
    await new NpgsqlCommand("VACUUM ANALYZE ledger.events", c) { CommandTimeout = 0 }.ExecuteNonQueryAsync();
    var events = (long)(await new NpgsqlCommand("SELECT count(*) FROM ledger.events", c) { CommandTimeout = 0 }.ExecuteScalarAsync())!;
    var pending = (long)(await new NpgsqlCommand("SELECT count(*) FROM portal.access_log_pending", c).ExecuteScalarAsync())!;
    Console.WriteLine(FormattableString.Invariant(
        $"generated {queries:N0} queries ({events:N0} events, {pending:N0} pending) in {sw.Elapsed.TotalSeconds:F1} s (appending {appended.TotalSeconds:F1} s, then indexes and portal migrations)"));
}
else
{
    var sw = Stopwatch.StartNew();
    var applied = await PortalMigrator.MigrateAsync(On(database), LedgerRoles.AccessLog);
    Console.WriteLine(FormattableString.Invariant(
        $"using the {existing:N0} events already in {database}; portal migrations applied now: [{string.Join(", ", applied)}] in {sw.Elapsed.TotalSeconds:F1} s"));
}

await using var connections = new ReplicaConnectionFactory(On(database, LedgerRoles.AccessLog.Reader));
var reader = new AccessLogReader(connections);
var end = new DateTime(2026, 9, 1, 6, 0, 0, DateTimeKind.Utc).AddDays(90);
(string Name, AccessLogFilter Filter)[] filters =
[
    ("none", new AccessLogFilter()),
    ("user", new AccessLogFilter { SubjectId = "user-123" }),
    ("role=admin", new AccessLogFilter { Role = "admin" }),
    ("kind=asof.diff", new AccessLogFilter { Kind = "asof.diff" }),
    ("case", new AccessLogFilter { CaseReference = "CASE-77" }),
    ("outcome=refused", new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Refused }),
    ("outcome=pending", new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending }),
    ("client", new AccessLogFilter { ClientAddress = "10.0.1.17" }),
    ("window (first day)", new AccessLogFilter { From = end.AddDays(-90), To = end.AddDays(-89) }),
    ("user+kind+outcome=failed", new AccessLogFilter { SubjectId = "user-200", Kind = "timeline.read", Outcome = AccessLogOutcomeFilter.Failed }),
    ("role+case+window", new AccessLogFilter { Role = "investigator", CaseReference = "CASE-3", From = end.AddDays(-30), To = end }),
    ("kind+client", new AccessLogFilter { Kind = "stream.proof", ClientAddress = "10.0.0.200" }),
];
Console.WriteLine($"first page (50), {repeat} runs each: p50 / p95 ms");
foreach (var (name, filter) in filters)
{
    var times = new List<double>();
    for (var i = 0; i < repeat + 2; i++)
    {
        var sw = Stopwatch.StartNew();
        var page = await reader.SearchAsync(filter, 50);
        if (i >= 2)
            times.Add(sw.Elapsed.TotalMilliseconds);
        if (i == 0)
            Console.Write($"  {name,-26} {page.Items.Count,3} rows  ");
    }
    times.Sort();
    Console.WriteLine(FormattableString.Invariant($"{times[times.Count / 2],7:F1} / {times[(int)Math.Ceiling(times.Count * 0.95) - 1],7:F1}"));
}

if (!skip.Contains("anomalies"))
{
    var engine = new AnomalyEngine(new AnomalyOptions(), _ => false);
    // The newest ~N queries (2 events each) when asked: a fresh engine from there, as a monitor resuming at a watermark reads.
    var startAfter = anomalyQueries is { } newest ? Math.Max(0, await reader.SizeAsync() - 2 * newest) : 0;
    var sw = Stopwatch.StartNew();
    long entries = 0, flags = 0;
    var observations = new List<AccessObservation>();
    while (true)
    {
        var page = await reader.ForwardAsync(new AccessLogFilter(), Math.Max(engine.LastSeq, startAfter), AccessLogReader.MaxPageSize);
        if (page.Count == 0)
            break;
        foreach (var item in page)
        {
            var o = AccessObservation.From(item);
            observations.Add(o);
            flags += engine.Observe(o).Count;
            entries++;
        }
    }
    var withRead = sw.Elapsed;
    var pure = new AnomalyEngine(new AnomalyOptions(), _ => false);
    sw.Restart();
    foreach (var o in observations)
        pure.Observe(o);
    Console.WriteLine(FormattableString.Invariant(
        $"anomaly evaluation: {entries:N0} entries after seq {startAfter:N0}, {flags:N0} flags; read + evaluate {entries / withRead.TotalSeconds:N0} entries/s; rules alone {entries / sw.Elapsed.TotalSeconds:N0} entries/s"));
}

async Task<double> VerifyAsync(string db)
{
    // No statement timeout: at 10M queries (20M events) the verifier's reference check ran past Npgsql's default 30 s on
    // a loaded host (docs/performance.md); the benchmark measures the whole verification.
    await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(On(db)) { CommandTimeout = 0 }.ConnectionString);
    var runner = new LedgerVerificationRunner(source, null, null);
    var result = await runner.RunAsync(new VerificationRequest(), null, CancellationToken.None);
    return result.RowsPerSecond;
}
for (var round = 1; round <= (skip.Contains("verify") ? 0 : verifyRounds); round++)
{
    var log = await VerifyAsync(database);
    var line = FormattableString.Invariant($"verify round {round} (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}): access log {log:N0} rows/s");
    if (ledgerDb is not null)
    {
        var ledger = await VerifyAsync(ledgerDb);
        line += FormattableString.Invariant($", ledger {ledger:N0} rows/s, ratio {log / ledger:P0}");
    }
    Console.WriteLine(line);
}
return 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

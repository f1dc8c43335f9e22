// Access-log append benchmark: C concurrent "gateway" loops, each logging a query (query.requested)
// and its completion (query.completed) through one AccessLogWriter, for N seconds.
//
//   dotnet run -c Release --project benchmarks/AccessLogBenchmark -- \
//     --connection "Host=127.0.0.1;Port=59432;Username=postgres;Database=accesslog_bench" [--seconds 10] [--concurrency 32] \
//     [--without-triggers]
//
// --connection (or AUDITPORTAL_BENCH_DB) names an existing database as a role that may migrate it;
// it is migrated as the portal's database is (the ledger's migrations with the access-log roles, then the portal's:
// the review indexes, the pending-marker trigger) and appended to as accesslog_writer (trust auth), or as the role of
// --writer if given. Appends go on top of whatever the database already holds. --without-triggers disables the access
// log's row triggers on insert (the pending markers, PortalMigrations/V004) for the run and enables them again after:
// the side-by-side of triggers.sh, which says what they cost an append.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Schema;
using AuditPortal.Verification.Checkpoints;
using Npgsql;

var connection = Arg("--connection") ?? Environment.GetEnvironmentVariable("AUDITPORTAL_BENCH_DB");
if (string.IsNullOrEmpty(connection))
{
    Console.Error.WriteLine("usage: AccessLogBenchmark --connection <connection string> [--writer <connection string>] [--seconds 10] [--concurrency 32]");
    return 2;
}
var seconds = int.Parse(Arg("--seconds") ?? "10", CultureInfo.InvariantCulture);
var concurrency = int.Parse(Arg("--concurrency") ?? "32", CultureInfo.InvariantCulture);
var writerConnection = Arg("--writer")
    ?? new NpgsqlConnectionStringBuilder(connection) { Username = LedgerRoles.AccessLog.Writer, Password = null }.ConnectionString;

await LedgerMigrator.MigrateAsync(connection, LedgerRoles.AccessLog);
await PortalMigrator.MigrateAsync(connection, LedgerRoles.AccessLog);
var withoutTriggers = args.Contains("--without-triggers");
await SetInsertTriggersAsync(enabled: !withoutTriggers);
var witnessPath = Path.Combine(Path.GetTempPath(), "accesslog-bench-witness-" + Guid.NewGuid().ToString("N"));
using var signer = CheckpointSigner.Generate();
await using var dataSource = NpgsqlDataSource.Create(writerConnection);
var writer = new AccessLogWriter(dataSource, TimeProvider.System, new AccessLogWriterOptions
{
    Deployment = "bench",
    Signer = signer,
    Witness = new WitnessDirectory(witnessPath),
});

var run = Guid.NewGuid().ToString("N")[..8];
var measuring = false;
var stop = false;
var latencies = new List<double>[concurrency];
var failures = 0L;

async Task LoopAsync(int loop)
{
    var mine = latencies[loop] = new List<double>(100_000);
    for (var n = 0; !Volatile.Read(ref stop); n++)
    {
        var entry = new AccessLogEntry
        {
            RequestId = string.Create(CultureInfo.InvariantCulture, $"bench-{run}-{loop}-{n}"),
            SubjectId = string.Create(CultureInfo.InvariantCulture, $"user-{loop % 8}"),
            DisplayName = string.Create(CultureInfo.InvariantCulture, $"Bench User {loop % 8}"),
            Roles = ["auditor"],
            Kind = "timeline.read",
            Parameters = new JsonObject { ["stream_type"] = "account", ["stream_id"] = string.Create(CultureInfo.InvariantCulture, $"acc-{n % 1000:D6}") },
            Purpose = "benchmark",
            ClientAddress = "127.0.0.1",
            RequestedAt = DateTime.UtcNow,
        };
        try
        {
            var started = Stopwatch.GetTimestamp();
            var request = await writer.AppendAsync(entry);
            var requested = Stopwatch.GetTimestamp();
            await writer.AppendCompletionAsync(AccessLogCompletion.For(entry, request.EventId, AccessLogOutcome.Completed, 1,
                RecordDigest.Compute([request.EventId]), TimeSpan.FromMilliseconds(1), DateTime.UtcNow));
            var completed = Stopwatch.GetTimestamp();
            if (Volatile.Read(ref measuring))
            {
                mine.Add(Stopwatch.GetElapsedTime(started, requested).TotalMilliseconds);
                mine.Add(Stopwatch.GetElapsedTime(requested, completed).TotalMilliseconds);
            }
        }
        catch (AccessLogUnavailableException)
        {
            Interlocked.Increment(ref failures);
        }
    }
}

var loops = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => LoopAsync(i))).ToArray();
await Task.Delay(TimeSpan.FromSeconds(2)); // warm-up: connections, JIT
var before = await CountAsync();
var batchesBefore = writer.BatchesCommitted;
var clock = Stopwatch.StartNew();
Volatile.Write(ref measuring, true);
await Task.Delay(TimeSpan.FromSeconds(seconds));
Volatile.Write(ref measuring, false);
var after = await CountAsync();
var batchCount = writer.BatchesCommitted - batchesBefore;
clock.Stop();
Volatile.Write(ref stop, true);
await Task.WhenAll(loops);
await writer.DisposeAsync();
if (Directory.Exists(witnessPath))
    Directory.Delete(witnessPath, recursive: true);
if (withoutTriggers)
    await SetInsertTriggersAsync(enabled: true);

var all = latencies.SelectMany(l => l ?? []).Order().ToArray();
var events = after - before;
var elapsed = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    access-log append benchmark: {concurrency} concurrent loops, {elapsed:F1} s measured, insert triggers {(withoutTriggers ? "DISABLED" : "enabled")}
    events appended:   {events} ({events / elapsed:F0} entries/s; each query = query.requested + query.completed = {events / 2.0 / elapsed:F0} queries/s)
    append latency:    p50 {Percentile(all, 0.50):F2} ms, p95 {Percentile(all, 0.95):F2} ms, p99 {Percentile(all, 0.99):F2} ms (n = {all.Length})
    batches:           {batchCount} transactions, mean {(after - before) / (double)Math.Max(1, batchCount):F1} events each, {elapsed * 1000 / Math.Max(1, batchCount):F1} ms each
    failed appends:    {Interlocked.Read(ref failures)}
    """));
return 0;

// The access log's triggers that run on insert (not the append-only ones, which fire on UPDATE/DELETE/TRUNCATE only).
async Task SetInsertTriggersAsync(bool enabled)
{
    await using var c = new NpgsqlConnection(connection);
    await c.OpenAsync();
    await using var cmd = new NpgsqlCommand("""
        SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger.events'::regclass AND NOT tgisinternal
          AND (tgtype & 4) <> 0 -- TRIGGER_TYPE_INSERT
        """, c);
    var names = new List<string>();
    await using (var reader = await cmd.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
    }
    foreach (var name in names)
        await new NpgsqlCommand($"ALTER TABLE ledger.events {(enabled ? "ENABLE" : "DISABLE")} TRIGGER \"{name}\"", c).ExecuteNonQueryAsync();
    if (!enabled)
        Console.WriteLine($"insert triggers disabled for this run: {string.Join(", ", names)}");
}

async Task<long> CountAsync()
{
    await using var c = new NpgsqlConnection(connection);
    await c.OpenAsync();
    await using var cmd = new NpgsqlCommand("SELECT coalesce(max(seq), 0) FROM ledger.events", c);
    return (long)(await cmd.ExecuteScalarAsync())!;
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

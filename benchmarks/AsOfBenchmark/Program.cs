// As-of replay benchmark: CPU time of the as-of page's work for one stream, in process, on a real ledger.
//
//   dotnet run -c Release --project benchmarks/AsOfBenchmark -- \
//     --connection "Host=127.0.0.1;Port=57433;Username=postgres;Database=ledger" \
//     --type account --id acc-000004 [--repeat 20] [--t 2024-02-01T00:00:00Z] [--k 2024-02-01T00:00:00Z]
//
// Or, without a database: the stream sizes of the demo ledger `ledger seed --events N` writes (which stream has ~10,000
// events at 10M?):   dotnet run -c Release --project benchmarks/AsOfBenchmark -- --census 10000000 [--seed 42] [--low 5000] [--high 20000]
//
// Or, to give a large ledger a stream of exactly N events (the 10M demo ledger has none near 10,000; see AppendStream.cs):
//   dotnet run -c Release --project benchmarks/AsOfBenchmark -- --connection "<primary, superuser>" --append-stream acc-asof-10k --events 10000
//
// Phases, each run --repeat times after a warm-up, CPU time of this process (user + sys, all threads:
// JIT and GC included) divided by the repeats:
//   read      the stream's rows as AsOfReplay reads them (one ordered SELECT) — client side only
//   parse     every payload parsed as the engine does (ProjectionEvent.ParsePayload), nothing else
//   engine    AsOfEngine.Replay over rows already in memory (parse payloads, fold, canonical JSON)
//   rules     the engine with a projection that folds nothing and parses nothing: its bookkeeping alone
//   page      what the gateway and the as-of page do with the state: mutable copy, redaction (masked),
//             record ids and their digest for the access log, the page's counts by action and reason
//   total     AsOfReplay.ReplayAsync + page, end to end as the portal runs it (minus HTML rendering)
// The portal runs Server GC (the web SDK's default): DOTNET_gcServer=1 matches it (fewer gen1 collections of the
// freshly read stream in `total`); DOTNET_TieredCompilation=0 gives optimised code from the first call (steadier).
// Server CPU (PostgreSQL) is not included; the SELECT is one index range scan of the stream.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Projections;
using AuditPortal.Portal.Components.Timeline;
using AuditPortal.Portal.Redaction;
using AuditPortal.Verification.Ledger;
using Npgsql;

if (Arg("--census") is { } censusEvents)
{
    AuditPortal.Benchmarks.AsOf.StreamCensus.Run(long.Parse(censusEvents, CultureInfo.InvariantCulture), int.Parse(Arg("--seed") ?? "42", CultureInfo.InvariantCulture),
        int.Parse(Arg("--low") ?? "5000", CultureInfo.InvariantCulture), int.Parse(Arg("--high") ?? "20000", CultureInfo.InvariantCulture));
    return 0;
}
var connection = Arg("--connection") ?? Environment.GetEnvironmentVariable("AUDITPORTAL_BENCH_DB");
if (Arg("--append-stream") is { } appendId && !string.IsNullOrEmpty(connection))
{
    return await AuditPortal.Benchmarks.AsOf.AppendStream.RunAsync(connection, appendId, int.Parse(Arg("--events") ?? "10000", CultureInfo.InvariantCulture),
        long.Parse(Arg("--from-events") ?? "125000", CultureInfo.InvariantCulture), int.Parse(Arg("--seed") ?? "7", CultureInfo.InvariantCulture));
}
var type = Arg("--type");
var id = Arg("--id");
if (string.IsNullOrEmpty(connection) || type is null || id is null)
{
    Console.Error.WriteLine("usage: AsOfBenchmark --connection <connection string> --type <stream type> --id <stream id> [--repeat 20] [--t <instant>] [--k <instant>]");
    return 2;
}
var repeat = int.Parse(Arg("--repeat") ?? "20", CultureInfo.InvariantCulture);
var t = Arg("--t") is { } ts ? DateTimeOffset.Parse(ts, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
var k = Arg("--k") is { } ks ? DateTimeOffset.Parse(ks, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
var stream = new StreamKey(type, id);

await using var dataSource = NpgsqlDataSource.Create(connection);
var replay = new AsOfReplay();
var projection = ProjectionCatalog.Demo.For(type);

async Task<List<ProjectionEvent>> ReadAsync()
{
    await using var conn = await dataSource.OpenConnectionAsync();
    await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
    await using var command = new NpgsqlCommand("""
        SELECT seq, stream_seq, event_id, occurred_at, recorded_at, actor, action, payload, supersedes
        FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 ORDER BY stream_seq
        """, conn, tx);
    command.Parameters.Add(new NpgsqlParameter { Value = type });
    command.Parameters.Add(new NpgsqlParameter { Value = id });
    var events = new List<ProjectionEvent>();
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        events.Add(new ProjectionEvent(reader.GetInt64(0), reader.GetInt64(1), reader.GetGuid(2),
            reader.GetFieldValue<DateTime>(3), reader.GetFieldValue<DateTime>(4), reader.GetString(5), reader.GetString(6),
            reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetGuid(8)));
    }
    return events;
}

async Task<AsOfState> ReplayAsync()
{
    await using var conn = await dataSource.OpenConnectionAsync();
    await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
    return await replay.ReplayAsync(conn, tx, stream, t, k);
}

// What the gateway and AsOf.razor compute besides the HTML (TimelineQueries.AsOfAsync, QueryGateway.RunAsync, AsOf.razor).
static int Page(AsOfState state)
{
    var copy = state.ToJsonObject();
    var subjects = RedactionPolicy.SubjectsIn([copy]);
    RedactionPolicy.Apply(copy, RedactionContext.Masked(new HashSet<string>(StringComparer.Ordinal)));
    var digest = RecordDigest.Compute(state.Applied.Select(a => a.EventId.ToString("D")).ToList());
    var byAction = state.Applied.GroupBy(a => a.Action).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key} × {g.Count().ToString("N0", CultureInfo.InvariantCulture)}").ToList();
    var byReason = state.Excluded.GroupBy(x => x.Reason).OrderBy(g => g.Key).Select(g => $"{g.Key} × {g.Count()}").ToList();
    var json = Show.Json(copy);
    return subjects.Count + digest.Length + byAction.Count + byReason.Count + json.Length + Show.MaskedPaths(copy).Count;
}

var events = await ReadAsync();
var sample = AsOfEngine.Replay(stream, events, (t ?? DateTimeOffset.UtcNow).UtcDateTime, (k ?? DateTimeOffset.UtcNow).UtcDateTime, projection);
Console.WriteLine($"stream {type}/{id}: {events.Count} events, {sample.Applied.Count} applied, {sample.Excluded.Count} excluded, state {sample.Json.Length} chars, {projection.Version}");

// Warm-up: JIT tiers up after 30 calls of a method; run every phase enough to reach tier 1.
for (var i = 0; i < 5; i++)
{
    await ReadAsync();
    Page(await ReplayAsync());
}

var sink = 0L;
double Measure(string name, Func<Task> body)
{
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var gc0 = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    var wall = Stopwatch.StartNew();
    for (var i = 0; i < repeat; i++)
        body().GetAwaiter().GetResult();
    wall.Stop();
    process.Refresh();
    var cpuMs = (process.TotalProcessorTime - cpu0).TotalMilliseconds / repeat;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-8} CPU {cpuMs,8:F2} ms/replay  {cpuMs * 1000 / Math.Max(1, events.Count),7:F2} µs/event   wall {wall.Elapsed.TotalMilliseconds / repeat,8:F2} ms   GCs gen0/1/2 {GC.CollectionCount(0) - gc0.Item1}/{GC.CollectionCount(1) - gc0.Item2}/{GC.CollectionCount(2) - gc0.Item3}"));
    return cpuMs;
}

Measure("read", async () => sink += (await ReadAsync()).Count);
Measure("parse", () =>
{
    foreach (var e in events)
        sink += e.ParsePayload().Count;
    return Task.CompletedTask;
});
Measure("engine", () =>
{
    sink += AsOfEngine.Replay(stream, events, (t ?? DateTimeOffset.UtcNow).UtcDateTime, (k ?? DateTimeOffset.UtcNow).UtcDateTime, projection).Json.Length;
    return Task.CompletedTask;
});
Measure("rules", () =>
{
    sink += AsOfEngine.Replay(stream, events, (t ?? DateTimeOffset.UtcNow).UtcDateTime, (k ?? DateTimeOffset.UtcNow).UtcDateTime, new AuditPortal.Benchmarks.AsOf.NoFold()).Applied.Count;
    return Task.CompletedTask;
});
Measure("page", () =>
{
    sink += Page(sample);
    return Task.CompletedTask;
});
Measure("total", async () => sink += Page(await ReplayAsync()));
Console.WriteLine($"(checksum {sink})");
return 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

// Verifier throughput against the practical ceiling: a raw binary COPY of the same rows.
//
//   dotnet run -c Release --project benchmarks/VerifyBenchmark -- \
//       [--cpu] [--rows 1000000] [--connection "Host=127.0.0.1;Port=57432;Username=postgres;Database=postgres"] [--repeat 3]
//       [--database seed_bench --keys DIR]
//   dotnet run -c Release --project benchmarks/VerifyBenchmark -- --streams 100000
//
// Creates (once) database verify_bench with ledger.events holding --rows generated, correctly chained
// rows (~1000 streams, ~600 bytes of canonical record each), then times in the same process:
//   raw COPY  : COPY (SELECT <all columns> ... ORDER BY seq) TO STDOUT (FORMAT binary), every column skipped
//   COPY feed : LedgerCopyFeed decoding each row in place (what the verifier reads), no verification
//   runner x1 : LedgerVerificationRunner, one range
//   runner x2 : LedgerVerificationRunner, two parallel ranges
// (--cpu: only the in-memory verifier cost per row, no database; --streams N: bytes the verifier keeps per
// distinct stream, GC heap after N one-event streams, no database) and prints rows/s for each and the ratio to raw COPY. Best of --repeat runs.
// --database: measure an existing ledger instead, e.g. the realistic demo ledger that
// benchmarks/SeedBenchmark (`auditportal ledger seed`) left in seed_bench; --keys DIR: its checkpoint
// public key (DIR/keys) and witness (DIR/witness), so checkpoints are verified as `ledger verify` does.
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Benchmarks.Verify;
using AuditPortal.Data.Reading;
using Npgsql;

var rows = 1_000_000L;
int? streams = null;
var repeat = 3;
string? database = null;
string? keysRoot = null;
var admin = Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_PRIMARY")
            ?? "Host=127.0.0.1;Port=57432;Username=postgres;Database=postgres";
for (var i = 0; i < args.Length - 1; i += 2)
{
    if (args[i] == "--cpu")
    {
        i--;
        continue;
    }
    switch (args[i])
    {
        case "--rows": rows = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--connection": admin = args[i + 1]; break;
        case "--repeat": repeat = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--database": database = args[i + 1]; break;
        case "--keys": keysRoot = args[i + 1]; break;
        case "--streams": streams = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
}

if (streams is { } streamCount)
{
    for (var r = 0; r < repeat; r++)
    {
        var (bytesPerStream, findings) = StreamMemory.Measure(streamCount);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{streamCount:N0} distinct streams: {bytesPerStream:F1} bytes retained per stream (GC heap after a full collection; {findings} findings)"));
    }
    return;
}

if (args.Contains("--cpu"))
{
    // In-memory: what the verifier costs per row without any I/O.
    var events = BenchLedger.Generate(Math.Min(rows, 300_000)).ToList();
    for (var r = 0; r < repeat; r++)
    {
        var leaf = new byte[32];
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        foreach (var e in events)
            AuditPortal.Verification.Ledger.EventRecord.ComputeLeafHash(e, leaf);
        var hashOnly = sw.Elapsed.TotalSeconds;
        var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        var result = AuditPortal.Verification.Verifying.LedgerVerifier.Verify(events, new());
        var verify = sw.Elapsed.TotalSeconds;
        var cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  client CPU per row: leaf hash only {(cpu1 - cpu0).TotalMilliseconds * 1000 / events.Count:F2} µs, verifier {(cpu2 - cpu1).TotalMilliseconds * 1000 / events.Count:F2} µs"));
        var text = new byte[64];
        sw.Restart();
        foreach (var e in events)
        {
            AuditPortal.Verification.Ledger.LedgerTime.WriteUtf8(e.OccurredAt, text);
            AuditPortal.Verification.Ledger.LedgerTime.WriteUtf8(e.RecordedAt, text);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  two timestamps: {sw.Elapsed.TotalMilliseconds * 1000 / events.Count:F2} µs/row"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"in memory, {events.Count:N0} rows: leaf hash only {events.Count / hashOnly:N0} rows/s, verifier {events.Count / verify:N0} rows/s ({result.TotalFindings} findings)"));
    }
    return;
}

var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database ?? "verify_bench" }.ConnectionString;
if (database is null)
    await BenchLedger.EnsureAsync(admin, connectionString, rows);
await using var dataSource = NpgsqlDataSource.Create(connectionString);
if (database is not null)
    rows = await new LedgerRowReader(dataSource).HeadSeqAsync();
var publicKey = keysRoot is null ? null
    : AuditPortal.Verification.Checkpoints.CheckpointPublicKey.FromPem(File.ReadAllText(Path.Combine(keysRoot, "keys", "ledger-checkpoint-public.pem")));
var witness = keysRoot is null ? null : new AuditPortal.Verification.Checkpoints.WitnessDirectory(Path.Combine(keysRoot, "witness"));
var runner = new LedgerVerificationRunner(dataSource, publicKey, witness);

// The machine is shared: measurements are interleaved (raw, reader, x1, x2, raw, …) so each sees
// the same load on average, and the best of --repeat rounds is kept for each.
var measurements = new (string Name, Func<Task<long>> Run)[]
{
    ("raw COPY (drain)", () => RawCopy.DrainAsync(dataSource)),
    ("COPY feed (no verify)", () => Task.Run(() =>
    {
        long n = 0;
        new LedgerCopyFeed(dataSource).ReadRange(1, long.MaxValue, (in AuditPortal.Verification.Ledger.EventFields _) => n++, CancellationToken.None);
        return n;
    })),
    ("runner, 1 range", async () => Check(await runner.RunAsync(new VerificationRequest(CheckReferences: false), null, CancellationToken.None))),
    ("runner, 2 ranges", async () => Check(await runner.RunAsync(new VerificationRequest(Parallelism: 2, CheckReferences: false), null, CancellationToken.None))),
};
var best = measurements.Select(_ => (Rows: 0L, Seconds: double.MaxValue, Cpu: 0.0)).ToArray();
// CPU time varies less with the machine's load than wall time; the least of the rounds is kept too.
var leastCpu = measurements.Select(_ => double.MaxValue).ToArray();
await RawCopy.DrainAsync(dataSource); // warm the cache
for (var r = 0; r < repeat; r++)
{
    for (var m = 0; m < measurements.Length; m++)
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var count = await measurements[m].Run();
        var seconds = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        if (seconds < best[m].Seconds)
            best[m] = (count, seconds, cpu);
        leastCpu[m] = Math.Min(leastCpu[m], cpu);
    }
}
var raw = best[0];

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"rows: {rows:N0} ({database ?? "verify_bench, generated"}), cores: {Environment.ProcessorCount}, best of {repeat}, load average now: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")}"));
Console.WriteLine("measurement                 rows/s      seconds   vs raw COPY   client CPU s (user+sys of this process, same run)   least client CPU s of the rounds   µs/row");
void Line(string name, (long Rows, double Seconds, double Cpu) m, double least) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-22} {m.Rows / m.Seconds,12:N0} {m.Seconds,12:F2} {m.Rows / m.Seconds / (raw.Rows / raw.Seconds),12:P0} {m.Cpu,14:F2} {least,14:F2} {least * 1e6 / m.Rows,10:F2}"));
for (var m = 0; m < measurements.Length; m++)
    Line(measurements[m].Name, best[m], leastCpu[m]);

static long Check(AuditPortal.Verification.Verifying.VerificationResult result)
{
    if (result.TotalFindings != 0)
        throw new InvalidOperationException($"benchmark ledger should verify clean: {string.Join("; ", result.Findings.Take(3))}");
    return result.Rows;
}

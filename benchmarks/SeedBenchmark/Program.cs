// Seeding throughput: `auditportal ledger init` + `auditportal ledger seed --events N` into a fresh
// database, run in-process through the CLI's own command tree (the same code path as the command).
//
//   dotnet run -c Release --project benchmarks/SeedBenchmark -- \
//       [--events 1000000] [--batch 5000] [--keep-indexes] [--database seed_bench] [--keys DIR] \
//       [--connection "Host=127.0.0.1;Port=57432;Username=postgres;Database=postgres"]
//
// Prints wall time and events/s, the client's CPU time (user+sys of this process, JIT and GC
// included) and, when the server runs on this machine and its data directory is readable, the
// server's CPU time: user+sys of every process of the cluster (backends, WAL writer, checkpointer,
// and the children that exited, as the postmaster's reaped-children counters) from /proc.
// Everything else running on the cluster meanwhile is counted too: use a private cluster.
// The seeded database is left in place; with --keys DIR the checkpoint keys and the witness are kept
// in DIR/keys and DIR/witness (benchmarks/VerifyBenchmark --database seed_bench --keys DIR verifies it).
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Cli;
using Npgsql;

var events = 1_000_000L;
var batch = 5_000;
var keepIndexes = false;
var database = "seed_bench";
string? keysRoot = null;
var admin = Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_PRIMARY")
            ?? "Host=127.0.0.1;Port=57432;Username=postgres;Database=postgres";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--events": events = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--keep-indexes": keepIndexes = true; break;
        case "--database": database = args[++i]; break;
        case "--keys": keysRoot = args[++i]; break;
        case "--connection": admin = args[++i]; break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
}

string? dataDirectory;
await using (var adminSource = NpgsqlDataSource.Create(admin))
{
    await adminSource.CreateCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)").ExecuteNonQueryAsync();
    await adminSource.CreateCommand($"CREATE DATABASE {database}").ExecuteNonQueryAsync();
    dataDirectory = (string?)await adminSource.CreateCommand("SHOW data_directory").ExecuteScalarAsync();
}
var primary = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
var scratch = keysRoot is null ? Directory.CreateTempSubdirectory("seed-bench-") : Directory.CreateDirectory(keysRoot);
if (Directory.Exists(Path.Combine(scratch.FullName, "witness")))
    Directory.Delete(Path.Combine(scratch.FullName, "witness"), recursive: true);
var variables = new Dictionary<string, string>
{
    ["AUDITPORTAL_PRIMARY"] = primary,
    ["AUDITPORTAL_KEYS_DIR"] = Path.Combine(scratch.FullName, "keys"),
    ["AUDITPORTAL_WITNESS_DIR"] = Path.Combine(scratch.FullName, "witness"),
};
var environment = new CliEnvironment(name => variables.GetValueOrDefault(name));

if (await CliApplication.RunAsync(["ledger", "init"], TextWriter.Null, Console.Error, environment) != 0)
    throw new InvalidOperationException("ledger init failed");

string[] seedArgs = ["ledger", "seed", "--events", events.ToString(CultureInfo.InvariantCulture),
    "--batch", batch.ToString(CultureInfo.InvariantCulture), .. keepIndexes ? new[] { "--keep-indexes" } : []];
var load0 = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
var server0 = ServerCpu.Seconds(dataDirectory);
var client0 = Process.GetCurrentProcess().TotalProcessorTime;
// Allocation and GC counts: unlike CPU seconds on this shared 2-core machine, they barely depend on load,
// so they show the effect of an allocation cut in one run.
var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
var pause0 = GC.GetTotalPauseDuration();
int[] collections0 = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
var clock = Stopwatch.StartNew();
var output = new StringWriter(CultureInfo.InvariantCulture);
var exit = await CliApplication.RunAsync(seedArgs, output, TextWriter.Null, environment);
var wall = clock.Elapsed.TotalSeconds;
var client = (Process.GetCurrentProcess().TotalProcessorTime - client0).TotalSeconds;
var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
var pause = (GC.GetTotalPauseDuration() - pause0).TotalSeconds;
int[] collections = [GC.CollectionCount(0) - collections0[0], GC.CollectionCount(1) - collections0[1], GC.CollectionCount(2) - collections0[2]];
var server = ServerCpu.Seconds(dataDirectory) - server0;
var load1 = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
if (exit != 0)
    throw new InvalidOperationException($"ledger seed failed ({exit}): {output}");
if (keysRoot is null)
    scratch.Delete(recursive: true);

Console.Write(output.ToString());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    events: {events:N0}, batch: {batch:N0}, secondary indexes: {(keepIndexes ? "kept" : "dropped and rebuilt")}, cores: {Environment.ProcessorCount}
    load average before: {load0}; after: {load1}
    wall:        {wall,8:F1} s   {events / wall,10:N0} events/s
    client CPU:  {client,8:F1} s   {client * 1e6 / events,10:F1} µs/event   (user+sys of this process)
    allocated:   {allocated / 1048576.0,8:F0} MB {allocated / (double)events,10:F0} B/event; GCs gen0/1/2: {collections[0]}/{collections[1]}/{collections[2]}, paused {pause:F2} s
    server CPU:  {(server is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "n/a"),8} s   {(server is { } t ? (t * 1e6 / events).ToString("F1", CultureInfo.InvariantCulture) : "n/a"),10} µs/event   (all processes of the cluster)
    CPU-bound rate on 2 idle cores (events / max(client, server, (client+server)/2)): {(server is { } u ? (events / Math.Max(Math.Max(client, u), (client + u) / 2)).ToString("N0", CultureInfo.InvariantCulture) : "n/a")} events/s
    """));

internal static class ServerCpu
{
    /// <summary>CPU seconds of the cluster whose postmaster.pid is in <paramref name="dataDirectory"/>; null when not readable here.</summary>
    public static double? Seconds(string? dataDirectory)
    {
        try
        {
            if (dataDirectory is null || !File.Exists("/proc/self/stat"))
                return null;
            var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            long ticks = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                    continue;
                string stat;
                try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
                catch (IOException) { continue; }
                // Fields after the parenthesised command name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid != postmaster && ppid != postmaster)
                    continue;
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                if (pid == postmaster) // children that exited were added to the postmaster's counters
                    ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
            return ticks / 100.0; // USER_HZ is 100 on Linux
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

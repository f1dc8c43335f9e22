// Text search (q=) latency on a seeded ledger: EntitySearch.FindEventsAsync with only a text, exactly as the
// search page runs it (first page of 50, newest first, capped match count), on the standby as ledger_reader in a
// read-only transaction. Each of CONCURRENCY workers runs the terms round-robin until REQUESTS searches are done;
// the first round per worker is warm-up and not counted. Prints p50/p95/p99/max overall and per term.
//
//   dotnet run -c Release --project benchmarks/TextSearchBenchmark -- \
//     --replica "Host=127.0.0.1;Port=55433;Username=ledger_reader;Database=ledger" [--concurrency 1,4] [--requests 400] [--terms a,b,...]
//
// The default terms span the selectivities of the demo ledger: a value on about every event ("USD"), on a fifth
// of the trades ("XNAS"), a payment method ("wire"), one trade's reference (unique), an account id in vote
// payloads, a short text (two characters: the trigram index cannot narrow it), and texts that match nothing — among
// them a personal value, which is encrypted in the ledger and never indexed.
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Replica;
using AuditPortal.Data.Timeline;

var replica = Arg("--replica") ?? throw new ArgumentException("--replica \"Host=…;Username=ledger_reader;Database=…\" is required");
var concurrencies = (Arg("--concurrency") ?? "1,4").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
var requests = int.Parse(Arg("--requests") ?? "400", CultureInfo.InvariantCulture);
var terms = (Arg("--terms") ?? "USD,XNAS,wire,T0002092030,acc-000129,sell,9z,Zebediah,no-such-text-anywhere").Split(',');

var factory = new ReplicaConnectionFactory(replica);
var search = new EntitySearch();
Console.WriteLine($"text search, {requests} searches per run, terms: {string.Join(" ", terms)}");
foreach (var concurrency in concurrencies)
{
    var timings = new List<(string Term, double Ms, long Matches)>();
    var next = -1;
    async Task Worker(int worker)
    {
        for (var round = 0; ; round++)
        {
            for (var t = 0; t < terms.Length; t++)
            {
                var warmUp = round == 0;
                if (!warmUp && Interlocked.Increment(ref next) >= requests)
                    return;
                var term = terms[(t + worker) % terms.Length];
                var started = Stopwatch.GetTimestamp();
                await using var session = await factory.BeginReadOnlyAsync();
                var page = await search.FindEventsAsync(session.Connection, session.Transaction, new SearchRequest { Text = term });
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!warmUp)
                    lock (timings)
                        timings.Add((term, ms, page.Matches.Count));
            }
        }
    }
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))));
    wall.Stop();
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"concurrency {concurrency}: {timings.Count} searches in {wall.Elapsed.TotalSeconds:F1} s; {Summary(timings.Select(x => x.Ms))}"));
    foreach (var group in timings.GroupBy(x => x.Term).OrderBy(g => Array.IndexOf(terms, g.Key)))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {group.Key,-24} matches {group.First().Matches,6}{(group.First().Matches >= 10_000 ? "+" : " ")}  {Summary(group.Select(x => x.Ms))}"));
}

static string Summary(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    return string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.50),7:F1} ms  p95 {P(0.95),7:F1} ms  p99 {P(0.99),7:F1} ms  max {sorted[^1],7:F1} ms");
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

using System.Globalization;
using AuditPortal.Data.Demo;

namespace AuditPortal.Benchmarks.AsOf;

/// <summary>
/// Stream sizes of the demo ledger that <c>auditportal ledger seed --events N --seed S</c> writes, computed by
/// running the deterministic generator in memory (no database, no encryption): which streams to measure at 10M
/// without seeding 10M first. The generator depends on N, so census and seed must use the same N and seed.
/// </summary>
internal static class StreamCensus
{
    public static void Run(long events, int seed, int low, int high)
    {
        var counts = new Dictionary<(string Type, string Id), int>();
        long n = 0;
        foreach (var e in new DemoLedgerGenerator(seed).Events(events))
        {
            var key = (e.StreamType, e.StreamId);
            counts[key] = counts.GetValueOrDefault(key) + 1;
            if (++n % 1_000_000 == 0)
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n:N0} events generated"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{events:N0} events (seed {seed}), {counts.Count:N0} streams"));
        Console.WriteLine("largest streams:");
        foreach (var ((type, id), count) in counts.OrderByDescending(c => c.Value).Take(10))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {type}/{id}  {count:N0}"));
        var inRange = counts.Where(c => c.Value >= low && c.Value <= high).OrderByDescending(c => c.Value).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"streams with {low:N0}–{high:N0} events: {inRange.Count:N0}"));
        foreach (var ((type, id), count) in inRange.Take(20))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {type}/{id}  {count:N0}"));
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace AuditPortal.Benchmarks.Circuit;

/// <summary>
/// Whether the portal's retained memory grows over a long run of navigation (issue 12: no growth over 30 minutes).
/// CIRCUITS pages of one signed-in auditor navigate inside their circuits for MINUTES, round after round: next page,
/// a filter (rotating over several actions), an as-of point (rotating over 48 points, so the as-of cache sees more
/// keys than it holds) and back to the timeline. Every SAMPLE minutes the pages stop at the end of a round, the
/// portal's managed heap is measured after a full GC (dotnet-gcdump), and the pages go on. The report says what
/// filled once (the first samples) and whether it kept growing afterwards: the slope over the second half of the
/// run, and the types that grew most between the first sample after the warm-up and the last.
/// </summary>
internal static class Growth
{
    public static async Task<int> RunAsync(Uri portal, int pid, int circuits, double minutes, double sampleMinutes, string stream, string user)
    {
        var timeline = "/timeline/" + stream;
        string[] actions = ["trade.executed", "cash.deposited", "account.opened", "cash.withdrawn"];
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
        var (context, first) = await Browser.SignInAsync(browser, portal, user, timeline);
        await Browser.OpenInteractiveAsync(first, portal, timeline);
        var pages = await Browser.OpenCircuitsAsync(context, first, circuits, portal, timeline);
        Console.WriteLine($"growth: {circuits} circuits on {timeline} navigating for {minutes} min, heap sampled every {sampleMinutes} min; load average {Interactions.LoadAverage()}");

        var samples = new List<(double Minute, long Rounds, Memory.Snapshot Snapshot)>();
        var settle = TimeSpan.FromSeconds(10);
        samples.Add((0, 0, await Memory.MeasureAsync(pid, "start: circuits open, idle", settle)));
        var clock = Stopwatch.StartNew();
        long rounds = 0, failures = 0;
        var end = TimeSpan.FromMinutes(minutes);
        while (clock.Elapsed < end)
        {
            var until = TimeSpan.FromMinutes(Math.Min(minutes, (samples.Count) * sampleMinutes));
            await Task.WhenAll(pages.Select(async (page, index) =>
            {
                var n = 0;
                while (clock.Elapsed < until)
                {
                    var round = Interlocked.Increment(ref rounds);
                    // 48 as-of points, 20 minutes apart, over the demo stream's life (recorded 2024-01-02 08:00 to 01-03 00:38).
                    var point = new DateTimeOffset(2024, 1, 2, 8, 0, 0, TimeSpan.Zero).AddMinutes(20 * ((round + index) % 48)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                    try
                    {
                        await Memory.NavigateAsync(page, "click", "a[rel=next]", "[data-testid=page-label]");
                        await Memory.NavigateAsync(page, "navigate", timeline + "?action=" + actions[(n + index) % actions.Length], "[data-testid=result-count]");
                        await Memory.NavigateAsync(page, "navigate", $"{timeline}/as-of?t={point}&k={point}", "[data-testid=as-of-point]");
                        await Memory.NavigateAsync(page, "navigate", timeline, "[data-testid=page-label]");
                    }
                    catch (PlaywrightException e)
                    {
                        // A view that did not show within the page's timeout: counted, the page starts over from the timeline.
                        Interlocked.Increment(ref failures);
                        Console.WriteLine($"  circuit {index}: {e.Message.Split('\n')[0]}");
                        await Browser.OpenInteractiveAsync(page, portal, timeline);
                    }
                    n++;
                }
            }));
            var minute = clock.Elapsed.TotalMinutes;
            samples.Add((minute, Interlocked.Read(ref rounds),
                await Memory.MeasureAsync(pid, string.Create(CultureInfo.InvariantCulture, $"minute {minute:F1}, {Interlocked.Read(ref rounds)} rounds ({Interlocked.Read(ref rounds) * 4} views), {failures} failed"), settle)));
        }

        Console.WriteLine();
        Console.WriteLine("minute   rounds    heap MB   objects     RSS MB");
        foreach (var (minute, r, s) in samples)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{minute,6:F1} {r,8} {s.Heap / 1048576.0,10:F1} {s.Objects,9:N0} {s.Rss / 1048576.0,10:F1}"));
        // What fills once shows in the first samples; steady growth shows as a slope over the second half.
        var half = samples.Skip(samples.Count / 2).ToList();
        var slope = Slope(half.Select(s => (s.Minute, s.Snapshot.Heap / 1048576.0)).ToList());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"heap: start {samples[0].Snapshot.Heap / 1048576.0:F1} MB, after the first interval {samples[Math.Min(1, samples.Count - 1)].Snapshot.Heap / 1048576.0:F1} MB, end {samples[^1].Snapshot.Heap / 1048576.0:F1} MB; " +
            $"second half ({half[0].Minute:F0}–{half[^1].Minute:F0} min): {slope:F2} MB per 10 minutes ({slope * 1024 / 10 / circuits:F1} KB per circuit per minute); {rounds * 4} views, {failures} failed"));
        if (samples.Count >= 3)
            Memory.PrintGrowth(samples[1].Snapshot, samples[^1].Snapshot, "types that grew most from the first sample after navigation began to the last");

        foreach (var page in pages)
            await page.CloseAsync();
        await context.CloseAsync();
        return 0;
    }

    private static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2)
            return double.NaN;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? double.NaN : points.Sum(p => (p.X - mx) * (p.Y - my)) / den * 10;
    }
}

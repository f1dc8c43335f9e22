using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace AuditPortal.Benchmarks.Circuit;

/// <summary>
/// Retained server memory per idle signed-in circuit on a timeline page (issue 12: &lt; 1 MB, 50 circuits, after a
/// full GC), and whether it grows over repeated navigation. The portal's managed heap is measured by
/// <c>dotnet-gcdump collect</c>, which forces a full blocking GC and walks the live objects: once with one
/// signed-in page open (the baseline), once with CIRCUITS idle pages on the timeline, and once after every page
/// has navigated NAVIGATIONS times (next page, filter, as-of, back to the timeline) and come to rest on the
/// timeline again. The process's RSS is printed beside it (it includes freed-but-kept heap and native memory).
/// </summary>
internal static class Memory
{
    public static async Task<int> RunAsync(Uri portal, int pid, int circuits, int navigations, string stream, string user)
    {
        if (pid <= 0)
            throw new ArgumentException("the portal's process id is required");
        var timeline = "/timeline/" + stream;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
        var (context, first) = await Browser.SignInAsync(browser, portal, user, timeline);
        await Browser.OpenInteractiveAsync(first, portal, timeline);
        // The baseline must be the portal at rest: circuits of earlier runs stay in memory for the framework's
        // disconnected-circuit retention (3 minutes), prerendered views for 30 s. Measure until it stops falling.
        var baseline = await MeasureAsync(pid, "baseline: 1 circuit on the timeline");
        for (var tries = 0; tries < 8; tries++)
        {
            var again = await MeasureAsync(pid, "baseline again");
            var settled = Math.Abs(again.Heap - baseline.Heap) < 2 * 1024 * 1024;
            baseline = again;
            if (settled)
                break;
        }

        var pages = await Browser.OpenCircuitsAsync(context, first, circuits, portal, timeline);
        var idle = await MeasureAsync(pid, $"{circuits} idle circuits on the timeline");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"per idle circuit: {(idle.Heap - baseline.Heap) / (double)(circuits - 1) / 1024:F0} KB managed heap, {(idle.Rss - baseline.Rss) / (double)(circuits - 1) / 1024:F0} KB RSS (target < 1,024 KB)"));

        // Repeated navigation inside each circuit, the way links do it (a click, Blazor.navigateTo), each step waited for.
        var filter = timeline + "?action=trade.executed";
        var asOf = timeline + "/as-of?t=2024-01-03T00:00:00Z&k=2024-01-03T00:00:00Z";
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(pages.Select(async page =>
        {
            for (var n = 0; n < navigations; n++)
            {
                await NavigateAsync(page, "click", "a[rel=next]", "[data-testid=page-label]");
                await NavigateAsync(page, "navigate", filter, "[data-testid=result-count]");
                await NavigateAsync(page, "navigate", asOf, "[data-testid=as-of-point]");
                await NavigateAsync(page, "navigate", timeline, "[data-testid=page-label]");
            }
        }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"navigated: {circuits} circuits × {navigations} × 4 views in {clock.Elapsed.TotalSeconds:F0} s"));
        var after = await MeasureAsync(pid, $"{circuits} circuits on the timeline after the navigation");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"growth over the navigation: {(after.Heap - idle.Heap) / 1024.0:F0} KB managed heap ({(after.Heap - idle.Heap) / (double)circuits / 1024:F0} KB per circuit), {(after.Rss - idle.Rss) / 1024.0:F0} KB RSS"));

        foreach (var page in pages)
            await page.CloseAsync();
        await context.CloseAsync();
        return 0;
    }

    // Waits, in the page, until `selector`'s text differs from what it was before the action.
    private const string Navigate = """
        ([selector, action, arg]) => new Promise((resolve, reject) => {
          const text = () => { const e = document.querySelector(selector); return e ? e.textContent : null; };
          const before = text();
          let observer, timer;
          const check = () => { const now = text(); if (now === null || now === before) return; observer.disconnect(); clearTimeout(timer); resolve(true); };
          observer = new MutationObserver(check);
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          timer = setTimeout(() => { observer.disconnect(); reject(new Error('no change of ' + selector)); }, 120000);
          if (action === 'click') document.querySelector(arg).click(); else window.Blazor.navigateTo(arg);
        })
        """;

    internal static Task NavigateAsync(IPage page, string action, string argument, string selector) =>
        page.EvaluateAsync<bool>(Navigate, new object[] { selector, action, argument });

    /// <summary>The live managed heap after a full GC, its object count, the process's RSS, and the heap by type (bytes).</summary>
    internal sealed record Snapshot(long Heap, long Objects, long Rss, IReadOnlyDictionary<string, long> ByType);

    // Let the circuits settle (last render batches acknowledged, the prerendered views' 30 s store emptied).
    private static Task<Snapshot> MeasureAsync(int pid, string label) => MeasureAsync(pid, label, TimeSpan.FromSeconds(35));

    internal static async Task<Snapshot> MeasureAsync(int pid, string label, TimeSpan settle)
    {
        await Task.Delay(settle);
        // GCDUMP_DIR keeps the dumps (for `dotnet-gcdump report` by type); otherwise they are deleted after reading.
        var keep = Environment.GetEnvironmentVariable("GCDUMP_DIR") is { Length: > 0 } dir ? dir : null;
        var file = Path.Combine(keep ?? Path.GetTempPath(), $"circuit-memory-{pid}-{DateTime.UtcNow:HHmmss}.gcdump");
        try
        {
            await RunToolAsync("collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file);
            var report = await RunToolAsync("report", file);
            // `dotnet-gcdump report` starts with the heap's totals: "<bytes>  GC Heap bytes", "<count>  GC Heap objects".
            var heap = Total(report, "GC Heap bytes");
            var objects = Total(report, "GC Heap objects");
            var rss = Rss(pid);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: managed heap {heap / 1024.0 / 1024:F1} MB ({objects:N0} objects), RSS {rss / 1024.0 / 1024:F1} MB; load average {Interactions.LoadAverage()}"));
            return new Snapshot(heap, objects, rss, ByType(report));
        }
        finally
        {
            if (keep is null)
                File.Delete(file);
        }
    }

    // `dotnet-gcdump report` lists "<bytes per object> <count> <type>" (big objects in their own size classes).
    private static Dictionary<string, long> ByType(string report)
    {
        var types = new Dictionary<string, long>();
        foreach (var line in report.Split('\n'))
        {
            var parts = line.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && long.TryParse(parts[0].Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture, out var bytes)
                && long.TryParse(parts[1].Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture, out var count))
            {
                types[parts[2].Trim()] = types.GetValueOrDefault(parts[2].Trim()) + bytes * count;
            }
        }
        return types;
    }

    /// <summary>Prints the ten types whose bytes grew most from <paramref name="before"/> to <paramref name="after"/>.</summary>
    internal static void PrintGrowth(Snapshot before, Snapshot after, string title)
    {
        Console.WriteLine(title + ":");
        foreach (var (type, bytes) in after.ByType.Select(t => (t.Key, t.Value - before.ByType.GetValueOrDefault(t.Key))).OrderByDescending(t => t.Item2).Take(10))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / 1024.0,10:F0} KB  {type}"));
    }

    private static long Rss(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).Single();

    private static async Task<string> RunToolAsync(params string[] arguments)
    {
        var tool = Environment.GetEnvironmentVariable("DOTNET_GCDUMP") is { Length: > 0 } path ? path : "dotnet-gcdump";
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)}: exit {process.ExitCode}: {await error}{await output}");
        return await output;
    }

    private static long Total(string report, string label) =>
        report.Split('\n').Where(l => l.Trim().EndsWith(label, StringComparison.Ordinal))
            .Select(l => long.Parse(l.Trim().Split(' ')[0].Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture))
            .FirstOrDefault(-1);
}

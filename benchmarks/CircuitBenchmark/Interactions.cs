using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Playwright;

namespace AuditPortal.Benchmarks.Circuit;

/// <summary>
/// Interaction latency over the circuit (issue 12): CIRCUITS pages (one signed-in context, a circuit each) work a
/// timeline — next page, a filter, an as-of point and another as-of point — ROUNDS times. Each step is done by all
/// pages at once (CIRCUITS concurrent interactions of one kind), and the next step starts when all have shown their
/// answer. Two times per interaction:
/// <list type="bullet">
/// <item><b>browser</b>: in the page, from the click (or the in-app navigation a link click makes,
/// <c>Blazor.navigateTo</c>) to the DOM mutation that shows its answer — the server's work plus a round trip on
/// loopback and the browser's own work (10 Chromium pages on the same cores), an upper bound of server time;</item>
/// <item><b>server</b>: the framework's own <c>aspnetcore.components.update_parameters.duration</c> of the page's
/// component (<c>EntityTimeline</c>, <c>AsOf</c>), recorded by the portal when started with
/// <c>Portal__Diagnostics__MetricsFile</c> and <c>Portal__Diagnostics__ComponentMetrics=true</c> (Hosting/BenchmarkMetricsRecorder.cs) and read back by the time
/// window of each step. For a page of the portal that covers its whole view change: the new parameters, the one
/// gateway call (access-log request, query, outcome) and the render that follows it (the render diff of the page and
/// its children happens inside it); not covered are the router's and layout's work before it and sending the batch.</item>
/// </list>
/// </summary>
internal static class Interactions
{
    // Resolves with the milliseconds from the action to the first DOM change after which `selector`'s text differs.
    private const string TimeAction = """
        ([selector, action, arg]) => new Promise((resolve, reject) => {
          const text = () => { const e = document.querySelector(selector); return e ? e.textContent : null; };
          const before = text();
          let observer, timer;
          const t0 = performance.now();
          const check = () => {
            const now = text();
            if (now === null || now === before) return;
            observer.disconnect(); clearTimeout(timer); resolve(performance.now() - t0);
          };
          observer = new MutationObserver(check);
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          timer = setTimeout(() => { observer.disconnect(); reject(new Error('no change of ' + selector + ' after ' + action + ' ' + arg)); }, 60000);
          if (action === 'click') document.querySelector(arg).click(); else window.Blazor.navigateTo(arg);
        })
        """;

    private sealed record Step(string Name, string Selector, string Action, string Argument, string Page);

    public static async Task<int> RunAsync(Uri portal, int circuits, int rounds, string stream, string[] actions, string user, string? metricsFile,
        int thinkMs = 0)
    {
        var timeline = "/timeline/" + stream;
        string Filter(string action) => timeline + "?action=" + Uri.EscapeDataString(action);
        // Two as-of points of the demo's first days (the seed's system times are 2024-01-02/03).
        var asOf1 = timeline + "/as-of?t=2024-01-02T12:00:00Z&k=2024-01-02T12:00:00Z";
        var asOf2 = timeline + "/as-of?t=2024-01-03T00:00:00Z&k=2024-01-03T00:00:00Z";
        Step[] steps =
        [
            new("open timeline", "[data-testid=page-label]", "navigate", timeline, EntityTimelinePage),
            new("next page", "[data-testid=page-label]", "click", "a[rel=next]", EntityTimelinePage),
            new("next page", "[data-testid=page-label]", "click", "a[rel=next]", EntityTimelinePage),
            new("filter", "[data-testid=result-count]", "navigate", Filter(actions[0]), EntityTimelinePage),
            new("filter", "[data-testid=result-count]", "navigate", Filter(actions[1]), EntityTimelinePage),
            new("as-of (from the timeline)", "[data-testid=as-of-point]", "navigate", asOf1, AsOfPage),
            new("as-of change", "[data-testid=as-of-point]", "navigate", asOf2, AsOfPage),
        ];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
        var (context, first) = await Browser.SignInAsync(browser, portal, user, timeline);
        var pages = await Browser.OpenCircuitsAsync(context, first, circuits, portal, timeline);
        // Start on the as-of page so that the first step ("open timeline") changes the page.
        await Task.WhenAll(pages.Select(p => Browser.OpenInteractiveAsync(p, portal, asOf2)));
        Console.WriteLine(thinkMs > 0
            ? $"{circuits} circuits on {timeline}; {rounds} rounds of {steps.Length} steps, each circuit on its own with a think time of {thinkMs / 2}–{thinkMs * 3 / 2} ms before each step (+1 warm-up round); load average {LoadAverage()}"
            : $"{circuits} circuits on {timeline}; {rounds} rounds of {steps.Length} steps, each done by every circuit at once (+1 warm-up round); load average {LoadAverage()}");
        Console.WriteLine(metricsFile is null
            ? "server time: not measured (start the portal with Portal__Diagnostics__MetricsFile=FILE Portal__Diagnostics__ComponentMetrics=true and pass FILE)"
            : $"server time: the page's aspnetcore.components.update_parameters.duration, from {metricsFile}");

        var timings = new ConcurrentBag<(string Step, double Ms)>();
        var portalCpu = new ProcessCpu(Environment.GetEnvironmentVariable("PORTAL_PID"));
        var windows = new List<(string Step, string Page, DateTimeOffset From, DateTimeOffset To)>();
        if (thinkMs > 0)
        {
            // Users, not a drill: each circuit clicks when its own think time is over, so interactions overlap as they come.
            var warmedUp = new DateTimeOffset[circuits];
            await Task.WhenAll(pages.Select((page, i) => RunOnItsOwnAsync(page, steps, rounds, thinkMs, new Random(i), timings, () => warmedUp[i] = DateTimeOffset.UtcNow)));
            var measuredFrom = warmedUp.Max();
            var measuredTo = DateTimeOffset.UtcNow;
            // The metrics name no circuit, so server time is told per page component over the measured run.
            windows.AddRange(steps.Select(s => s.Page).Distinct().Select(page => (PageName(page), page, measuredFrom, measuredTo)));
        }
        else
        {
            for (var round = 0; round <= rounds; round++)
            {
                if (round == 1)
                    portalCpu.Start();
                foreach (var step in steps)
                {
                    var from = DateTimeOffset.UtcNow;
                    var ms = await Task.WhenAll(pages.Select(page => page.EvaluateAsync<double>(TimeAction, new object[] { step.Selector, step.Action, step.Argument })));
                    if (round == 0)
                        continue; // warm-up
                    windows.Add((step.Name, step.Page, from, DateTimeOffset.UtcNow));
                    foreach (var m in ms)
                        timings.Add((step.Name, m));
                }
            }
        }
        Console.WriteLine($"load average after: {LoadAverage()}");
        if (thinkMs == 0 && portalCpu.Stop(timings.Count) is { } perInteraction)
            Console.WriteLine(perInteraction);
        var server = metricsFile is null ? null : await ServerTimesAsync(metricsFile, windows);
        Console.WriteLine("interaction                   n  browser p50    p95    max |  server n    p50    p95    max");
        var rows = steps.Select(s => s.Name).Distinct().Append("all");
        foreach (var name in rows)
        {
            var ms = timings.Where(t => name == "all" || t.Step == name).Select(t => t.Ms).Order().ToList();
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{name,-26} {ms.Count,5} {Percentile(ms, 0.50),11:F1}{Percentile(ms, 0.95),7:F1}{ms[^1],7:F1} |");
            if (server is not null && thinkMs == 0)
                line += ServerColumns(server.Where(t => name == "all" || t.Step == name).Select(t => t.PageMs));
            Console.WriteLine(line);
        }
        if (server is not null && thinkMs > 0)
        {
            foreach (var name in windows.Select(w => w.Step).Append("all"))
                Console.WriteLine($"{"server, " + name,-58} |" + ServerColumns(server.Where(t => name == "all" || t.Step == name).Select(t => t.PageMs)));
        }
        return 0;
    }

    /// <summary>One circuit's rounds, each step after a think time of 0.5–1.5 × <paramref name="thinkMs"/>.</summary>
    private static async Task RunOnItsOwnAsync(IPage page, Step[] steps, int rounds, int thinkMs, Random random,
        ConcurrentBag<(string Step, double Ms)> timings, Action warmedUp)
    {
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var step in steps)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(thinkMs * (0.5 + random.NextDouble()))); // the user reads, then clicks
                var ms = await page.EvaluateAsync<double>(TimeAction, new object[] { step.Selector, step.Action, step.Argument });
                if (round > 0)
                    timings.Add((step.Name, ms));
            }
            if (round == 0)
                warmedUp();
        }
    }

    private static string PageName(string page) => page == EntityTimelinePage ? "timeline page (open, next, filter)" : "as-of page (both steps)";

    private static string ServerColumns(IEnumerable<double> times)
    {
        var page = times.Order().ToList();
        return page.Count == 0 ? "  no server measurements in its windows" : string.Create(CultureInfo.InvariantCulture,
            $" {page.Count,8}{Percentile(page, 0.50),7:F1}{Percentile(page, 0.95),7:F1}{page[^1],7:F1}");
    }

    private const string EntityTimelinePage = "AuditPortal.Portal.Timeline.EntityTimeline";
    private const string AsOfPage = "AuditPortal.Portal.Timeline.AsOf";

    /// <summary>
    /// Per interaction, from the portal's component metrics file: the page component's update_parameters duration
    /// (one per circuit and step: the measurements of the step's page type inside the step's window).
    /// </summary>
    private static async Task<List<(string Step, double PageMs)>> ServerTimesAsync(
        string path, List<(string Step, string Page, DateTimeOffset From, DateTimeOffset To)> windows)
    {
        await Task.Delay(TimeSpan.FromSeconds(2)); // the portal writes its lines from a queue
        var lines = new List<(long At, string Instrument, double Ms, string Type)>();
        using (var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                var f = line.Split('\t');
                if (f.Length == 4)
                    lines.Add((long.Parse(f[0], CultureInfo.InvariantCulture), f[1], double.Parse(f[2], CultureInfo.InvariantCulture), f[3]));
            }
        }
        var result = new List<(string, double)>();
        foreach (var (step, page, from, to) in windows)
        {
            var inWindow = lines.Where(l => l.At >= from.ToUnixTimeMilliseconds() && l.At <= to.ToUnixTimeMilliseconds() + 1).ToList();
            var pageTimes = inWindow.Where(l => l.Instrument == "aspnetcore.components.update_parameters.duration" && l.Type == page).Select(l => l.Ms).ToList();
            foreach (var ms in pageTimes)
                result.Add((step, ms));
        }
        return result;
    }

    internal static double Percentile(IReadOnlyList<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    internal static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Playwright;

namespace AuditPortal.Benchmarks.Circuit;

/// <summary>
/// Interaction latency over the circuit (issue 12): CIRCUITS pages (one signed-in context, a circuit each) work a
/// timeline at once — next page, a filter, an as-of point and another as-of point — ROUNDS times each. Each
/// interaction is timed inside the page, from the click (or the in-app navigation a link click makes,
/// <c>Blazor.navigateTo</c>) to the DOM mutation that shows its answer: the server's work plus a round trip on
/// loopback and the browser's patching, an upper bound of server time.
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

    private sealed record Step(string Name, string Selector, string Action, string Argument);

    public static async Task<int> RunAsync(Uri portal, int circuits, int rounds, string stream, string[] actions, string user)
    {
        var timeline = "/timeline/" + stream;
        string Filter(string action) => timeline + "?action=" + Uri.EscapeDataString(action);
        // Two as-of points of the demo's first days (the seed's system times are 2024-01-02/03).
        var asOf1 = timeline + "/as-of?t=2024-01-02T12:00:00Z&k=2024-01-02T12:00:00Z";
        var asOf2 = timeline + "/as-of?t=2024-01-03T00:00:00Z&k=2024-01-03T00:00:00Z";
        Step[] steps =
        [
            new("open timeline", "[data-testid=page-label]", "navigate", timeline),
            new("next page", "[data-testid=page-label]", "click", "a[rel=next]"),
            new("next page", "[data-testid=page-label]", "click", "a[rel=next]"),
            new("filter", "[data-testid=result-count]", "navigate", Filter(actions[0])),
            new("filter", "[data-testid=result-count]", "navigate", Filter(actions[1])),
            new("as-of (from the timeline)", "[data-testid=as-of-point]", "navigate", asOf1),
            new("as-of change", "[data-testid=as-of-point]", "navigate", asOf2),
        ];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
        var (context, first) = await Browser.SignInAsync(browser, portal, user, timeline);
        var pages = await Browser.OpenCircuitsAsync(context, first, circuits, portal, timeline);
        // Start on the as-of page so that the first step ("open timeline") changes the page.
        await Task.WhenAll(pages.Select(p => Browser.OpenInteractiveAsync(p, portal, asOf2)));
        Console.WriteLine($"{circuits} circuits on {timeline}; {rounds} rounds of {steps.Length} interactions each (+1 warm-up round); load average {LoadAverage()}");

        var timings = new ConcurrentBag<(string Step, double Ms)>();
        await Task.WhenAll(pages.Select(async page =>
        {
            for (var round = 0; round <= rounds; round++)
            {
                foreach (var step in steps)
                {
                    var ms = await page.EvaluateAsync<double>(TimeAction, new object[] { step.Selector, step.Action, step.Argument });
                    if (round > 0)
                        timings.Add((step.Name, ms));
                }
            }
        }));
        Console.WriteLine($"load average after: {LoadAverage()}");
        Console.WriteLine("interaction                   n     p50 ms   p95 ms   p99 ms   max ms");
        foreach (var group in timings.GroupBy(t => t.Step).Append(timings.GroupBy(_ => "all").Single()))
        {
            var ms = group.Select(t => t.Ms).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key,-26} {ms.Count,5} {Percentile(ms, 0.50),9:F1}{Percentile(ms, 0.95),9:F1}{Percentile(ms, 0.99),9:F1}{ms[^1],9:F1}"));
        }
        return 0;
    }

    internal static double Percentile(IReadOnlyList<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    internal static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

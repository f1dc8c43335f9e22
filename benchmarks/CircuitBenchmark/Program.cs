// Circuit benchmarks of the interactive portal (issue 12), in Chromium through Playwright:
//   interactions PORTAL_URL [CIRCUITS=10] [ROUNDS=10] [STREAM=account/acc-000001] [ACTION1,ACTION2]
//       interaction latency (next page, filter, as-of change) at CIRCUITS concurrent circuits (Interactions.cs); in
//       the browser, and on the server from the portal's Blazor metrics when METRICS_FILE names the file
//       the portal writes them to (Portal__Diagnostics__MetricsFile with Portal__Diagnostics__ComponentMetrics=true). THINK_MS=0 (default): every circuit does each
//       step at the same instant; THINK_MS=N: each circuit on its own, N/2–3N/2 ms of think time before each step
//   memory PORTAL_URL PORTAL_PID [CIRCUITS=50] [NAVIGATIONS=30] [STREAM=account/acc-000001]
//       retained managed memory per idle signed-in circuit on a timeline page, and its growth over repeated
//       navigation (Memory.cs; needs dotnet-gcdump)
//   growth PORTAL_URL PORTAL_PID [CIRCUITS=10] [MINUTES=30] [SAMPLE_MINUTES=3] [STREAM=account/acc-000001]
//       the managed heap over a long run of navigation in CIRCUITS circuits, sampled every SAMPLE_MINUTES (Growth.cs)
// Run through interactions.sh / memory.sh next to this file. Needs a running portal (./portal up), its development
// OpenID Provider and Debian's chromium (AUDITPORTAL_TEST_CHROMIUM or /usr/bin/chromium).
using System.Globalization;
using AuditPortal.Benchmarks.Circuit;

string Arg(int i, string fallback) => args.Length > i && args[i].Length > 0 ? args[i] : fallback;
int Int(int i, int fallback) => int.Parse(Arg(i, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

switch (Arg(0, ""))
{
    case "interactions":
        return await Interactions.RunAsync(new Uri(Arg(1, "http://127.0.0.1:5080")), Int(2, 10), Int(3, 10),
            Arg(4, "account/acc-000001"), Arg(5, "trade.executed,cash.deposited").Split(','), "auditor1",
            Environment.GetEnvironmentVariable("METRICS_FILE") is { Length: > 0 } metrics ? metrics : null,
            int.Parse(Environment.GetEnvironmentVariable("THINK_MS") is { Length: > 0 } think ? think : "0", CultureInfo.InvariantCulture));
    case "memory":
        return await Memory.RunAsync(new Uri(Arg(1, "http://127.0.0.1:5080")), Int(2, 0), Int(3, 50), Int(4, 30),
            Arg(5, "account/acc-000001"), "auditor1");
    case "growth":
        return await Growth.RunAsync(new Uri(Arg(1, "http://127.0.0.1:5080")), Int(2, 0), Int(3, 10),
            double.Parse(Arg(4, "30"), CultureInfo.InvariantCulture), double.Parse(Arg(5, "3"), CultureInfo.InvariantCulture),
            Arg(6, "account/acc-000001"), "auditor1");
    default:
        Console.Error.WriteLine("usage: CircuitBenchmark interactions|memory|growth PORTAL_URL … (see Program.cs)");
        return 2;
}

// Live verification through the circuit (issue 12): a whole-ledger run started on the portal's run page in
// Chromium and followed live by VIEWERS pages (each its own circuit), until it ends. Prints the run's rows/s as
// the page shows it (the registry's figure: rows verified / elapsed) and the wall time the page took to see the
// end. run.sh compares it with `auditportal ledger verify` on the same ledger in the same session.
//
// Usage: benchmarks/CircuitVerifyBenchmark/run.sh (builds this, runs the CLI and this in turn), or
//   dotnet benchmarks/CircuitVerifyBenchmark/bin/Release/net10.0/CircuitVerifyBenchmark.dll PORTAL_URL [VIEWERS] [USER]
// Needs a running portal (./portal up), its development OpenID Provider and Debian's chromium
// (AUDITPORTAL_TEST_CHROMIUM or /usr/bin/chromium).
using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

var portal = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5080");
var viewers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var user = args.Length > 2 ? args[2] : "auditor1";
var chromium = Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
var context = await browser.NewContextAsync(new() { IgnoreHTTPSErrors = true });
var page = await context.NewPageAsync();
page.SetDefaultTimeout(60_000);

// Sign in at the development provider, as a user would.
await page.GotoAsync(new Uri(portal, "/verification").ToString());
await page.GetByRole(AriaRole.Textbox, new() { Name = "Username" }).FillAsync(user);
await page.GetByLabel("Password").FillAsync(user + "-dev");
await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
var allow = page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true });
var start = page.GetByRole(AriaRole.Button, new() { Name = "Start verification" });
await allow.Or(start).First.WaitForAsync();
if (await allow.IsVisibleAsync())
    await allow.ClickAsync();
await page.Locator(".mud-layout[data-interactive=true]").WaitForAsync();

await page.GetByLabel("Whole ledger").CheckAsync();
var clock = Stopwatch.StartNew();
await start.ClickAsync();
await page.Locator("#run").WaitForAsync();
var runUrl = page.Url;
Console.WriteLine($"run {runUrl}; {viewers} viewer(s) follow it live");

var pages = new List<IPage> { page };
for (var i = 1; i < viewers; i++)
{
    var viewer = await context.NewPageAsync();
    await viewer.GotoAsync(runUrl);
    pages.Add(viewer);
}

// Done when the run page says so (pushed through each circuit); no polling of the server.
var ended = "#run:not([data-status=running])";
foreach (var p in pages)
    await p.Locator(ended).WaitForAsync(new() { Timeout = 3_600_000 });
clock.Stop();

var status = await page.Locator("#run").GetAttributeAsync("data-status");
var rows = long.Parse((await page.Locator("[data-field=rows]").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
var rate = double.Parse((await page.Locator("[data-field=rate]").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
Console.WriteLine(FormattableString.Invariant($"status {status}; {rows} rows; portal rows/s {rate:F0}; wall {clock.Elapsed.TotalSeconds:F1} s (start click to every viewer seeing the end)"));
Console.WriteLine(FormattableString.Invariant($"PORTAL_ROWS_PER_SECOND={rate:F0}"));
return status == "completed" ? 0 : 1;

using AuditPortal.Portal;
using AuditPortal.Tests.E2e.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// The browser portal (<see cref="ChromiumPortal"/>: Kestrel, the development OpenID Provider, headless
/// Chromium) over a tamperable ledger, with paced runs (20 rows/s, so a 600-row run is live for about 30 s:
/// long enough to reload, open a second viewer and cancel while it runs).
/// </summary>
public sealed class VerificationBrowserPortal : ChromiumPortal
{
    public TamperableLedger Ledger { get; } = new();

    protected override async Task<IReadOnlyDictionary<string, string?>?> PrepareDatabasesAsync()
    {
        await Ledger.InitializeAsync();
        var settings = Ledger.Databases.PortalConfiguration();
        settings["Portal:Verification:Continuous"] = "false";
        settings["Portal:Verification:MaxRowsPerSecond"] = "20";
        return settings;
    }

    protected override Task DisposeDatabasesAsync() => Ledger.DisposeAsync();

    /// <summary>A signed-in session (own cookies, console and page errors from the portal) on the verification page.</summary>
    public async Task<BrowserSession> SignInAsync(string user)
    {
        var session = await NewSessionAsync();
        await session.Page.GotoAsync(Url(PortalUrls.Verification).ToString());
        await session.SignInAtProviderAsync(user, user + "-dev");
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Live chain and Merkle verification" })).ToBeVisibleAsync();
        await session.WaitForCircuitAsync();
        return session;
    }
}

/// <summary>
/// The browser tamper drill through the circuit: findings appear on the run page at their exact seq while
/// the run is live, a second viewer sees the same run, a reload re-attaches, cancel asks first. Every
/// wait is on a DOM condition. The tampers of the tests add up in the shared ledger (one portal for the
/// class); each test looks only for its own, at seqs no other test touches.
/// </summary>
public sealed class VerificationBrowserTests(VerificationBrowserPortal portal) : IClassFixture<VerificationBrowserPortal>
{
    private static readonly LocatorAssertionsToBeVisibleOptions WhileLive = new() { Timeout = 30_000 };

    private static async Task<ILocator> StartWholeRunAsync(IPage page)
    {
        await page.GetByLabel("Whole ledger").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Start verification" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verification run" })).ToBeVisibleAsync();
        return page.Locator("#run");
    }

    private static ILocator Finding(IPage page, string kind, long seq) =>
        page.Locator($"[data-testid=findings] td[data-kind='{kind}'][data-seq='{seq}']");

    private static ILocator Status(IPage page) => page.GetByTestId("run-status");

    [ChromiumFact]
    public async Task LiveRun_FindingAppearsLive_SecondViewerSeesIt_ReloadReattaches_CancelAsksFirst()
    {
        await portal.Ledger.ChangePayloadAsync(60);
        await portal.Ledger.ChangePayloadAsync(360); // about 18 s into the run
        await using var starter = await portal.SignInAsync("auditor1");
        var page = starter.Page;

        var run = await StartWholeRunAsync(page);
        await Expect(Finding(page, "HashMismatch", 60)).ToBeVisibleAsync(WhileLive);
        await Expect(Status(page)).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.GetByTestId("live-note")).ToHaveTextAsync("Following the run live.");
        var runUrl = page.Url;

        // A second viewer (another user, another browser context) opens the same run: what was found so far,
        // then the next finding as it is found.
        await using var watcher = await portal.SignInAsync("admin1");
        await watcher.Page.GotoAsync(runUrl);
        await watcher.WaitForCircuitAsync();
        await Expect(Finding(watcher.Page, "HashMismatch", 60)).ToHaveCountAsync(1);
        await Expect(Finding(watcher.Page, "HashMismatch", 360)).ToHaveCountAsync(0);
        await Expect(Status(watcher.Page)).ToHaveAttributeAsync("data-status", "running");
        await Expect(Finding(watcher.Page, "HashMismatch", 360)).ToBeVisibleAsync(WhileLive);
        await Expect(Finding(page, "HashMismatch", 360)).ToBeVisibleAsync();
        await Expect(Status(watcher.Page)).ToHaveAttributeAsync("data-status", "running");

        // A reload is a new circuit: the snapshot, then live again.
        await page.ReloadAsync();
        await starter.WaitForCircuitAsync();
        await Expect(Finding(page, "HashMismatch", 60)).ToHaveCountAsync(1);
        await Expect(Finding(page, "HashMismatch", 360)).ToHaveCountAsync(1);
        await Expect(Status(page)).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.GetByTestId("live-note")).ToHaveTextAsync("Following the run live.");
        await starter.ScreenshotAsync("verification-run-live");

        // Cancel asks first; keeping it running changes nothing.
        await page.GetByTestId("cancel-run").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Cancel this run?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep running" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Status(page)).ToHaveAttributeAsync("data-status", "running");

        await page.GetByTestId("cancel-run").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel run" }).ClickAsync();

        await Expect(Status(page)).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("cancelled-by")).ToHaveTextAsync("by Ada Auditor");
        await Expect(Status(watcher.Page)).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 10_000 });
        await Expect(run).ToHaveAttributeAsync("data-status", "cancelled");
        await Expect(Finding(page, "HashMismatch", 60)).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("cancel-run")).ToHaveCountAsync(0);
        starter.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
        watcher.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    [ChromiumFact]
    public async Task Drill_DeletedRow_GapFoundLive_RunCompletes()
    {
        await portal.Ledger.DeleteRowAsync(150);
        await using var session = await portal.SignInAsync("investigator1");
        var page = session.Page;

        var run = await StartWholeRunAsync(page);

        await Expect(Finding(page, "GlobalSequenceGap", 151)).ToBeVisibleAsync(WhileLive);
        (await run.GetAttributeAsync("data-status")).ShouldBe("running", "the finding arrived while the run was live");
        await Expect(run).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 45_000 });
        await Expect(page.Locator("[data-field='rows']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]{2}$"));
        await Expect(page.GetByTestId("progress-bar")).ToHaveAttributeAsync("data-percent", "100.0");
        await Expect(page.GetByTestId("started-by")).ToHaveTextAsync("Ivo Investigator");
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    [ChromiumFact]
    public async Task Drill_TruncatedAndReforgedHead_CaughtByTheWitness()
    {
        await portal.Ledger.TruncateAndReforgeAsync(keep: 550, reforged: 50);
        await using var session = await portal.SignInAsync("auditor1");
        var page = session.Page;

        var run = await StartWholeRunAsync(page);

        await Expect(Finding(page, "WitnessMismatch", 600)).ToBeVisibleAsync(new() { Timeout = 45_000 });
        await Expect(run).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 45_000 });
        await page.GotoAsync(portal.Url(PortalUrls.Checkpoints).ToString());
        await Expect(page.Locator("tr:has(td[data-size='600'])")).ToContainTextAsync("the witness has it, the ledger's checkpoint table does not");
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    /// <summary>
    /// Every page of this feature at desktop width and on a 390 px phone: nothing wider than the window
    /// (no horizontal scrolling, nothing cut off), and a screenshot of each in var/test-results/screenshots.
    /// </summary>
    [ChromiumFact]
    public async Task Pages_DesktopAndPhone_NothingWiderThanTheWindow()
    {
        await using var session = await portal.SignInAsync("auditor1");
        var page = session.Page;
        await page.GetByLabel("Sequence range").CheckAsync();
        await page.GetByLabel("From seq").FillAsync("1");
        await page.GetByLabel("To seq").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start verification" }).ClickAsync();
        await Expect(page.Locator("#run")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 20_000 });
        var pages = new (string Name, string Url, string Ready)[]
        {
            ("dashboard", PortalUrls.Home, "[data-testid=growth-chart]"),
            ("verification-runs", PortalUrls.Verification, "[data-testid=run-list]"),
            ("verification-run", new Uri(page.Url).PathAndQuery, "[data-testid=progress]"),
            ("checkpoints", PortalUrls.Checkpoints, "[data-testid=checkpoints]"),
            ("proofs", PortalUrls.Proofs, "[data-testid=inclusion-form]"),
        };

        foreach (var (width, height, suffix) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (name, url, ready) in pages)
            {
                await page.GotoAsync(portal.Url(url).ToString());
                await Expect(page.Locator(".mud-layout[data-interactive=true] " + ready)).ToBeVisibleAsync(
                    new() { Timeout = 10_000 }).WithPortalErrors(session, $"{name} at {width} px");
                await session.ScreenshotAsync($"{name}-{suffix}");
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                overflow.ShouldBeLessThanOrEqualTo(0, $"{name} at {width} px is {overflow} px wider than the window");
            }
        }
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }
}

internal static class BrowserExpectations
{
    /// <summary>A failed wait names what the portal said in the browser meanwhile (a circuit error shows up there).</summary>
    public static async Task WithPortalErrors(this Task wait, BrowserSession session, string what)
    {
        try
        {
            await wait;
        }
        catch (PlaywrightException ex)
        {
            throw new InvalidOperationException($"{what}: {ex.Message}\nportal errors:\n{string.Join("\n", session.PortalErrors)}", ex);
        }
    }
}

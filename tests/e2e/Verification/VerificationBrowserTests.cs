using AuditPortal.Portal;
using AuditPortal.Tests.E2e.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// The browser portal (<see cref="ChromiumPortal"/>: Kestrel, the development OpenID Provider, headless
/// Chromium) over a tamperable ledger, with paced runs (100 rows/s, so a 600-row run is live for about 6 s).
/// </summary>
public sealed class VerificationBrowserPortal : ChromiumPortal
{
    public TamperableLedger Ledger { get; } = new();

    protected override async Task<IReadOnlyDictionary<string, string?>?> PrepareDatabasesAsync()
    {
        await Ledger.InitializeAsync();
        var settings = Ledger.Databases.PortalConfiguration();
        settings["Portal:Verification:Continuous"] = "false";
        settings["Portal:Verification:MaxRowsPerSecond"] = "100";
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

/// <summary>The browser tamper drill: findings appear on the run page at their exact seq while the run is live.</summary>
public sealed class VerificationBrowserTests(VerificationBrowserPortal portal) : IClassFixture<VerificationBrowserPortal>
{
    private static async Task<ILocator> StartWholeRunAsync(IPage page)
    {
        await page.GetByLabel("Whole ledger").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Start verification" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verification run" })).ToBeVisibleAsync();
        return page.Locator("#run");
    }

    private static ILocator Finding(IPage page, string kind, long seq) =>
        page.Locator($"#findings-body tr[data-kind='{kind}'][data-seq='{seq}']");

    [ChromiumFact]
    public async Task Drill_ChangedPayload_FindingAtExactSeqWhileRunIsLive()
    {
        await portal.Ledger.ChangePayloadAsync(200);
        await using var session = await portal.SignInAsync("auditor1");
        var page = session.Page;

        var run = await StartWholeRunAsync(page);

        await Expect(Finding(page, "HashMismatch", 200)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        (await run.GetAttributeAsync("data-status")).ShouldBe("running", "the finding arrived while the run was live");
        await Expect(run).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 20_000 });
        await Expect(page.Locator("[data-field='rows']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]{2}$"));
        await Expect(page.GetByTestId("started-by")).ToHaveTextAsync("Ada Auditor");
        session.PortalErrors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task Drill_DeletedRow_GapFoundLive_ReloadKeepsFindings_CancelShowsCancelled()
    {
        await portal.Ledger.DeleteRowAsync(150);
        await using var session = await portal.SignInAsync("investigator1");
        var page = session.Page;

        var run = await StartWholeRunAsync(page);
        await Expect(Finding(page, "GlobalSequenceGap", 151)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        (await run.GetAttributeAsync("data-status")).ShouldBe("running");

        await page.ReloadAsync();
        await Expect(Finding(page, "GlobalSequenceGap", 151)).ToHaveCountAsync(1);
        await Expect(page.Locator("#run")).ToHaveAttributeAsync("data-status", "running");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel run" }).ClickAsync();
        await Expect(page.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 10_000 });
        await Expect(Finding(page, "GlobalSequenceGap", 151)).ToHaveCountAsync(1);
        session.PortalErrors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task Drill_TruncatedAndReforgedHead_CaughtByTheWitness()
    {
        await portal.Ledger.TruncateAndReforgeAsync(keep: 550, reforged: 50);
        await using var session = await portal.SignInAsync("auditor1");
        var page = session.Page;

        var run = await StartWholeRunAsync(page);

        await Expect(Finding(page, "WitnessMismatch", 600)).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(run).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 20_000 });
        await page.GotoAsync(portal.Url(PortalUrls.Checkpoints).ToString());
        await Expect(page.Locator("tr[data-size='600']")).ToContainTextAsync("the witness has it, the ledger's checkpoint table does not");
        session.PortalErrors.ShouldBeEmpty();
    }
}

using AuditPortal.Tests.E2e.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.AccessLogReview;

/// <summary>The access-log review in Chromium over a live circuit: an admin browses, opens an entry, re-runs it, on a phone.</summary>
[Collection(nameof(ChromiumPortalCollection))]
public sealed class AccessLogBrowserTests(ChromiumPortal portal)
{
    [ChromiumFact]
    public async Task Admin_Phone390_BrowsesOpensAnEntryAndReRunsIt_NothingWiderThanTheScreen()
    {
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(portal.Url("/").ToString());
        await session.SignInAtProviderAsync("admin1", "admin1-dev");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("access-log-verification")).ToBeVisibleAsync();

        var first = await ListedAsync(session, "dashboard.read");
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390);
        await session.ScreenshotAsync("access-log-phone-390");

        await first.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("detail-kind")).ToHaveTextAsync("dashboard.read");
        await session.WaitForCircuitAsync();
        // This portal's dev ledger may have no checkpoint yet; either way the entry says which it saw.
        await Expect(page.GetByTestId("detail-checkpoint-size")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(none yet|size [0-9,]+)$"));
        await page.GetByTestId("replay").ClickAsync();
        // The dashboard as it stood: its head and the checkpoint it named, the same records as logged.
        await Expect(page.GetByTestId("replay-verdict")).ToHaveAttributeAsync("data-verdict", "Match");
        await Expect(page.GetByTestId("replay-result")).ToContainTextAsync("latest checkpoint ");
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390);
        await session.ScreenshotAsync("access-log-entry-phone-390");
        session.PortalErrors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task Admin_ReRunsAnAuditorsCheckpointsView_AsItStood()
    {
        await using (var auditor = await portal.NewSessionAsync())
        {
            await auditor.Page.GotoAsync(portal.Url("/verification/checkpoints").ToString());
            await auditor.SignInAtProviderAsync("auditor1", "auditor1-dev");
            await Expect(auditor.Page.GetByRole(AriaRole.Heading, new() { Name = "Checkpoints and witness", Level = 1 })).ToBeVisibleAsync();
        }
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync(portal.Url("/").ToString());
        await session.SignInAtProviderAsync("admin1", "admin1-dev");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();

        await (await ListedAsync(session, "checkpoints.read")).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("detail-kind")).ToHaveTextAsync("checkpoints.read");
        await session.WaitForCircuitAsync();
        await page.GetByTestId("replay").ClickAsync();
        // The checkpoints the page listed then and the head then, the same records as logged.
        await Expect(page.GetByTestId("replay-verdict")).ToHaveAttributeAsync("data-verdict", "Match");
        await Expect(page.GetByTestId("replay-result")).ToContainTextAsync("Checkpoints ledger head seq ");
        await session.ScreenshotAsync("access-log-entry-checkpoints");
        session.PortalErrors.ShouldBeEmpty();
    }

    /// <summary>
    /// The newest access-log entry of <paramref name="kind"/>, once listed. An entry reaches the page through the portal
    /// database's standby, which may not have replayed it yet on a loaded host (the page then says there are none):
    /// reload until it lists one, or the deadline.
    /// </summary>
    private async Task<ILocator> ListedAsync(BrowserSession session, string kind)
    {
        var page = session.Page;
        var first = page.GetByTestId("entry-seq").First;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await page.GotoAsync(portal.Url("/access-log?kind=" + kind).ToString());
            await session.WaitForCircuitAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access log", Level = 1 })).ToBeVisibleAsync();
        }
        while (await page.GetByTestId("entry-seq").CountAsync() == 0 && deadline.Elapsed < TimeSpan.FromSeconds(30));
        await Expect(first).ToBeVisibleAsync();
        return first;
    }
}

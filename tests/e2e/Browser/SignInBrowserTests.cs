using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Browser;

/// <summary>
/// Sign-in and sign-out in headless Chromium against the real portal (Kestrel) and the real development
/// OpenID Provider. Elements are found by role and accessible name; Playwright's assertions do the waiting.
/// </summary>
[Collection(nameof(ChromiumPortalCollection))]
public sealed class SignInBrowserTests(ChromiumPortal portal)
{
    /// <summary>The portal theme's app bar colour (Layout/PortalTheme.cs): proves MudBlazor's stylesheet and the theme loaded under the CSP.</summary>
    private const string AppBarBackground = "rgb(31, 42, 54)";

    [ChromiumTheory]
    [InlineData("auditor1", "Ada Auditor", new[] { "Overview", "Timeline", "Stale outputs", "Cases", "Verification", "Checkpoints", "Proofs", "Verify evidence" })]
    [InlineData("investigator1", "Ivo Investigator", new[] { "Overview", "Timeline", "Stale outputs", "Cases", "Verification", "Checkpoints", "Proofs", "Verify evidence" })]
    [InlineData("admin1", "Alma Admin", new[] { "Overview", "Verification", "Verify evidence", "Access log" })]
    public async Task SignInAndOut_DemoAccount_NavigationFollowsRoleAndSignOutEndsSession(string user, string name, string[] links)
    {
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync(portal.Url("/").ToString());
        page.Url.ShouldStartWith(portal.Issuer + "/", customMessage: "an anonymous visit goes to the provider's login");
        await session.SignInAtProviderAsync(user, user + "-dev");

        await Expect(page).ToHaveURLAsync(portal.Url("/").ToString());
        var nav = session.MainNavigation;
        await Expect(nav.GetByRole(AriaRole.Link)).ToHaveTextAsync(links);
        await Expect(session.CurrentUser).ToContainTextAsync(name);
        await Expect(page.Locator("header.mud-appbar")).ToHaveCSSAsync("background-color", AppBarBackground);
        await session.ScreenshotAsync(user);

        // Every page the role is offered opens inside the circuit (a click) and on its own (200), under the same CSP.
        foreach (var link in links)
        {
            // A click on a prerendered page before its circuit is up can be taken by the starting router and lost.
            await session.WaitForCircuitAsync();
            var target = nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true });
            var href = await target.GetAttributeAsync("href");
            await target.ClickAsync();
            await Expect(page).ToHaveURLAsync(portal.Url(href!).ToString());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            var response = await page.GotoAsync(portal.Url(href!).ToString());
            response!.Status.ShouldBe(200, $"{user} → {link} ({href})");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await session.ScreenshotAsync($"{user}-{link.Replace(' ', '-').ToLowerInvariant()}");
        }

        await session.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(portal.Url("/signed-out").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();

        await page.GotoAsync(portal.Url("/timeline").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to AuditPortal" })).ToBeVisibleAsync();
        page.Url.ShouldStartWith(portal.Issuer + "/", customMessage: "after sign-out a page needs a new login at the provider");

        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    [ChromiumFact]
    public async Task SignIn_UserWithoutPortalRole_SeesNoAccessPage()
    {
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync(portal.Url("/").ToString());

        await session.SignInAtProviderAsync("norole1", "norole1-dev");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No access" })).ToBeVisibleAsync();
        await Expect(page.GetByText("has no AuditPortal role")).ToBeVisibleAsync();
        await Expect(session.MainNavigation.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        await Expect(session.CurrentUser).ToContainTextAsync("Nora Norole");
        await session.ScreenshotAsync("norole1");
        var reloaded = await page.ReloadAsync();
        reloaded!.Status.ShouldBe(403);

        session.PortalErrors.Where(e => !IsDocumentStatus(e, 403)).ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task SignIn_WrongPassword_StaysOnProviderLoginWithError()
    {
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync(portal.Url("/").ToString());

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Username" }).FillAsync("admin1");
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Unknown username or wrong password.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to AuditPortal" })).ToBeVisibleAsync();
        page.Url.ShouldStartWith(portal.Issuer + "/");
        session.PortalErrors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task ErrorCollector_InlineScriptOnPortalPage_ReportsCspViolation()
    {
        // Guards the "no console errors" assertions above against being vacuous: the CSP forbids inline
        // script, Chromium reports the refusal on the console, and the session must record it.
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync(portal.Url("/signed-out").ToString());

        await page.RunAndWaitForConsoleMessageAsync(
            async () =>
            {
                try
                {
                    await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = "window.injected = true;" });
                }
                catch (PlaywrightException)
                {
                    // Some Playwright versions report the refused script as a failure; the console message is what counts.
                }
            },
            new PageRunAndWaitForConsoleMessageOptions { Predicate = m => m.Type == "error" });

        session.PortalErrors.ShouldContain(e => e.Contains("Content Security Policy", StringComparison.Ordinal));
        (await page.EvaluateAsync<bool>("() => window.injected === true")).ShouldBeFalse();
    }

    /// <summary>Chromium logs a non-2xx page itself as a console error; that one is expected, not a CSP problem.</summary>
    private static bool IsDocumentStatus(string error, int status) =>
        error.Contains($"the server responded with a status of {status}", StringComparison.Ordinal);
}

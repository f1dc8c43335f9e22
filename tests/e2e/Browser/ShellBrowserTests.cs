using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Browser;

/// <summary>The portal's shell in Chromium over a live circuit: the drawer on a phone, the dark theme and its memory.</summary>
[Collection(nameof(ChromiumPortalCollection))]
public sealed class ShellBrowserTests(ChromiumPortal portal)
{
    private async Task<BrowserSession> SignedInAsync(int width, int height)
    {
        var session = await portal.NewSessionAsync();
        await session.Page.SetViewportSizeAsync(width, height);
        await session.Page.GotoAsync(portal.Url("/").ToString());
        await session.SignInAtProviderAsync("auditor1", "auditor1-dev");
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        return session;
    }

    [ChromiumFact]
    public async Task Phone390_DrawerClosedUntilToggled_NothingWiderThanTheScreen()
    {
        await using var session = await SignedInAsync(390, 844);
        var page = session.Page;
        await session.WaitForCircuitAsync();

        await Expect(session.MainNavigation).Not.ToBeInViewportAsync();
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390);
        await session.ScreenshotAsync("shell-phone-390");

        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await Expect(session.MainNavigation.GetByRole(AriaRole.Link, new() { Name = "Timeline" })).ToBeInViewportAsync();
        await session.ScreenshotAsync("shell-phone-390-drawer");

        await session.MainNavigation.GetByRole(AriaRole.Link, new() { Name = "Checkpoints" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkpoints and witness", Level = 1 })).ToBeVisibleAsync();
        await Expect(session.MainNavigation).Not.ToBeInViewportAsync(); // the overlay closes once a page is chosen
        await session.ScreenshotAsync("shell-phone-390-after-navigation");
        session.PortalErrors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task Desktop_DrawerOpenBesideTheContent_NoServerHeader()
    {
        await using var session = await SignedInAsync(1280, 800);
        var page = await session.Page.GotoAsync(portal.Url("/").ToString());
        var script = await session.Page.APIRequest.GetAsync(portal.Url("/js/theme.js").ToString());

        (await page!.AllHeadersAsync()).Keys.ShouldNotContain("server", "Kestrel's Server header is off");
        script.Headers.Keys.ShouldNotContain("server");
        page.Headers["cache-control"].ShouldBe("no-store");

        await Expect(session.MainNavigation.GetByRole(AriaRole.Link, new() { Name = "Verification" })).ToBeInViewportAsync();
        await session.ScreenshotAsync("shell-desktop");
        session.PortalErrors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task DarkTheme_Toggled_AppliesAtOnceAndIsRememberedAfterReload()
    {
        await using var session = await SignedInAsync(1280, 800);
        var page = session.Page;
        await session.WaitForCircuitAsync();
        var light = await BackgroundAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Use the dark theme" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use the light theme" })).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.cookie.includes('portal-theme=dark')");
        var dark = await BackgroundAsync(page);
        dark.ShouldNotBe(light);
        await session.ScreenshotAsync("shell-desktop-dark");

        await page.ReloadAsync();
        (await BackgroundAsync(page)).ShouldBe(dark, "the prerendered page is dark already");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use the light theme" })).ToBeVisibleAsync();
        session.PortalErrors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task CircuitWebSocket_CompressionOfferedByChromium_IsDeclined()
    {
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        // The handshake's headers are not in Playwright's WebSocket API; Chromium's DevTools protocol has them.
        var devTools = await page.Context.NewCDPSessionAsync(page);
        var offered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        devTools.Event("Network.webSocketWillSendHandshakeRequest").OnEvent += (_, e) =>
            offered.TrySetResult(Header(e!.Value.GetProperty("request").GetProperty("headers"), "Sec-WebSocket-Extensions") ?? "");
        devTools.Event("Network.webSocketHandshakeResponseReceived").OnEvent += (_, e) =>
            accepted.TrySetResult(e!.Value.GetProperty("response").GetProperty("headers").Clone());
        await devTools.SendAsync("Network.enable");

        await page.GotoAsync(portal.Url("/").ToString());
        await session.SignInAtProviderAsync("auditor1", "auditor1-dev");
        await session.WaitForCircuitAsync();

        (await offered.Task.WaitAsync(TimeSpan.FromSeconds(30))).ShouldContain("permessage-deflate", Case.Insensitive, "Chromium offers compression");
        Header(await accepted.Task.WaitAsync(TimeSpan.FromSeconds(30)), "Sec-WebSocket-Extensions")
            .ShouldBeNull("the portal declines per-message compression of render batches (docs/web-auth.md)");
        session.PortalErrors.ShouldBeEmpty();
    }

    private static string? Header(JsonElement headers, string name) =>
        headers.EnumerateObject().FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } h
            ? h.Value.GetString()
            : null;

    [ChromiumFact]
    public async Task SignedOutInAnotherTab_OpenPageSaysTheSessionEndedAndShowsNoData()
    {
        await using var session = await SignedInAsync(1280, 800);
        var page = session.Page;
        await page.GotoAsync(portal.Url("/verification/checkpoints").ToString());
        await session.WaitForCircuitAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkpoints and witness", Level = 1 })).ToBeVisibleAsync();

        var other = await session.NewTabAsync();
        await other.GotoAsync(portal.Url("/").ToString());
        await Expect(other.Locator(".mud-layout[data-interactive=true]")).ToHaveCountAsync(1);
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await other.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        await Expect(other).ToHaveURLAsync(portal.Url("/signed-out").ToString());

        // The first tab's circuit revalidates its session (every second in tests) and lets go of the page.
        await Expect(page.GetByTestId("no-access")).ToContainTextAsync("Your session has ended");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkpoints and witness" })).ToHaveCountAsync(0);
        await Expect(session.CurrentUser).ToHaveCountAsync(0);
        await session.ScreenshotAsync("shell-session-ended");
    }

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Browser;

/// <summary>
/// One browser context and page, with the console errors and uncaught page errors that came from the
/// portal's origin (a CSP violation or a missing script shows up there).
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly ChromiumPortal _portal;
    private readonly IBrowserContext _context;
    private readonly List<string> _portalErrors = [];

    internal BrowserSession(ChromiumPortal portal, IBrowserContext context, IPage page)
    {
        _portal = portal;
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && (IsPortal(message.Location) || IsPortal(page.Url)))
            {
                Record($"console error at {message.Location} (page {page.Url}): {message.Text}");
            }
        };
        page.PageError += (_, error) =>
        {
            if (IsPortal(page.Url))
            {
                Record($"page error on {page.Url}: {error}");
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Another tab of the same browser (same cookies).</summary>
    public Task<IPage> NewTabAsync() => _context.NewPageAsync();

    /// <summary>The navigation drawer's links.</summary>
    public ILocator MainNavigation => Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });

    /// <summary>The signed-in user's name and roles in the app bar.</summary>
    public ILocator CurrentUser => Page.GetByTestId("current-user");

    public IReadOnlyList<string> PortalErrors
    {
        get { lock (_portalErrors) { return [.. _portalErrors]; } }
    }

    /// <summary>On the provider's login page: signs in, allows the consent if asked, and waits until back on the portal.</summary>
    public async Task SignInAtProviderAsync(string username, string password)
    {
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to AuditPortal" })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Textbox, new() { Name = "Username" }).FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        var allow = Page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true });
        await Expect(allow.Or(CurrentUser)).ToBeVisibleAsync();
        if (await allow.IsVisibleAsync())
        {
            await allow.ClickAsync();
        }
        await Expect(CurrentUser).ToBeVisibleAsync();
    }

    /// <summary>
    /// Waits until the page's circuit has rendered it (the layout says so in <c>data-interactive</c>). Input
    /// typed into a prerendered page before that is replaced when the circuit renders, as in any Blazor app.
    /// </summary>
    public async Task WaitForCircuitAsync() =>
        await Expect(Page.Locator(".mud-layout[data-interactive=true]")).ToHaveCountAsync(1);

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(ChromiumPortal.ScreenshotDirectory, name + ".png"),
            FullPage = true,
        });

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private bool IsPortal(string url) => url.StartsWith(_portal.Origin.GetLeftPart(UriPartial.Authority) + "/", StringComparison.Ordinal);

    private void Record(string error)
    {
        lock (_portalErrors)
        {
            _portalErrors.Add(error);
        }
    }
}

using Microsoft.Playwright;

namespace AuditPortal.Benchmarks.Circuit;

/// <summary>Chromium (Debian's, through Playwright) signed in to the portal at the development OpenID Provider.</summary>
internal static class Browser
{
    public static string Chromium =>
        Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });

    /// <summary>A context whose session cookie belongs to <paramref name="user"/>; its first page is left on <paramref name="path"/>, interactive.</summary>
    public static async Task<(IBrowserContext Context, IPage Page)> SignInAsync(IBrowser browser, Uri portal, string user, string path)
    {
        var context = await browser.NewContextAsync(new() { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        await page.GotoAsync(new Uri(portal, path).ToString());
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Username" }).FillAsync(user);
        await page.GetByLabel("Password").FillAsync(user + "-dev");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        var allow = page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true });
        var interactive = page.Locator(".mud-layout[data-interactive=true]");
        await allow.Or(interactive).First.WaitForAsync();
        if (await allow.IsVisibleAsync())
            await allow.ClickAsync();
        await interactive.WaitForAsync();
        return (context, page);
    }

    /// <summary>Opens <paramref name="path"/> in <paramref name="page"/> and waits until its circuit has rendered it.</summary>
    /// <summary><paramref name="first"/> and <paramref name="circuits"/> − 1 more pages of its signed-in context, each on <paramref name="path"/> with its circuit up.</summary>
    public static async Task<List<IPage>> OpenCircuitsAsync(IBrowserContext context, IPage first, int circuits, Uri portal, string path)
    {
        var pages = new List<IPage> { first };
        for (var i = 1; i < circuits; i++)
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(120_000);
            await OpenInteractiveAsync(page, portal, path);
            pages.Add(page);
        }
        return pages;
    }

    public static async Task OpenInteractiveAsync(IPage page, Uri portal, string path)
    {
        await page.GotoAsync(new Uri(portal, path).ToString());
        await page.Locator(".mud-layout[data-interactive=true]").WaitForAsync();
    }
}

using System.Net;
using AuditPortal.Portal;
using AuditPortal.Tests.E2e.Browser;
using AuditPortal.Tests.E2e.Portal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// The real portal on Kestrel over a tamperable ledger (paced runs: 100 rows/s, so a 600-row run is
/// live for about 6 s), the development OpenID Provider and headless Chromium.
/// </summary>
public sealed class VerificationBrowserPortal : IAsyncLifetime
{
    private System.Security.Cryptography.X509Certificates.X509Certificate2? certificate;
    private PortalFactory? portal;
    private DevOidcProcess? provider;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public TamperableLedger Ledger { get; } = new();

    public Uri Origin { get; private set; } = null!;

    public string Url(string path) => new Uri(Origin, path).ToString();

    public async Task InitializeAsync()
    {
        if (Chromium.ExecutablePath is not { } chromium)
            return;
        await Ledger.InitializeAsync();
        var settings = Ledger.Databases.PortalConfiguration();
        settings["Portal:Verification:Continuous"] = "false";
        settings["Portal:Verification:MaxRowsPerSecond"] = "100";
        var providerPort = FreePort.Get();
        portal = new PortalFactory($"http://127.0.0.1:{providerPort}", settings);
        var cert = certificate = LoopbackCertificate.Create();
        portal.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(cert)));
        portal.StartServer();
        Origin = new Uri(portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        provider = await DevOidcProcess.StartAsync(providerPort, Origin.GetLeftPart(UriPartial.Authority));
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = Chromium.Args });
    }

    /// <summary>A signed-in page (own cookies) and the console errors from the portal's origin.</summary>
    public async Task<(IPage Page, List<string> Errors)> SignInAsync(string user)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", TimezoneId = "UTC", IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && page.Url.StartsWith(Origin.ToString(), StringComparison.Ordinal))
                lock (errors) errors.Add(m.Text);
        };
        await page.GotoAsync(Url(PortalUrls.Verification));
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Username" }).FillAsync(user);
        await page.GetByLabel("Password").FillAsync(user + "-dev");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        var allow = page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true });
        var heading = page.GetByRole(AriaRole.Heading, new() { Name = "Live chain and Merkle verification" });
        await Expect(allow.Or(heading).First).ToBeVisibleAsync();
        if (await allow.IsVisibleAsync())
            await allow.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Live chain and Merkle verification" })).ToBeVisibleAsync();
        return (page, errors);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
            await browser.CloseAsync();
        playwright?.Dispose();
        if (provider is not null)
            await provider.DisposeAsync();
        if (portal is not null)
            await portal.DisposeAsync();
        certificate?.Dispose();
        await Ledger.DisposeAsync();
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
        var (page, errors) = await portal.SignInAsync("auditor1");

        var run = await StartWholeRunAsync(page);

        await Expect(Finding(page, "HashMismatch", 200)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        (await run.GetAttributeAsync("data-status")).ShouldBe("running", "the finding arrived while the run was live");
        await Expect(run).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 20_000 });
        await Expect(page.Locator("[data-field='rows']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]{2}$"));
        await Expect(page.GetByTestId("started-by")).ToHaveTextAsync("Ada Auditor");
        errors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task Drill_DeletedRow_GapFoundLive_ReloadKeepsFindings_CancelShowsCancelled()
    {
        await portal.Ledger.DeleteRowAsync(150);
        var (page, errors) = await portal.SignInAsync("investigator1");

        var run = await StartWholeRunAsync(page);
        await Expect(Finding(page, "GlobalSequenceGap", 151)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        (await run.GetAttributeAsync("data-status")).ShouldBe("running");

        await page.ReloadAsync();
        await Expect(Finding(page, "GlobalSequenceGap", 151)).ToHaveCountAsync(1);
        await Expect(page.Locator("#run")).ToHaveAttributeAsync("data-status", "running");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel run" }).ClickAsync();
        await Expect(page.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 10_000 });
        await Expect(Finding(page, "GlobalSequenceGap", 151)).ToHaveCountAsync(1);
        errors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task Drill_TruncatedAndReforgedHead_CaughtByTheWitness()
    {
        await portal.Ledger.TruncateAndReforgeAsync(keep: 550, reforged: 50);
        var (page, errors) = await portal.SignInAsync("auditor1");

        var run = await StartWholeRunAsync(page);

        await Expect(Finding(page, "WitnessMismatch", 600)).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(run).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 20_000 });
        await page.GotoAsync(portal.Url(PortalUrls.Checkpoints));
        await Expect(page.Locator("tr[data-size='600']")).ToContainTextAsync("the witness has it, the ledger's checkpoint table does not");
        errors.ShouldBeEmpty();
    }
}

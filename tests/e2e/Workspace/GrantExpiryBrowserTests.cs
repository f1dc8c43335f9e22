using AuditPortal.Portal.Redaction;
using AuditPortal.Tests.E2e.Browser;
using AuditPortal.Tests.E2e.Gateway;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>A seeded portal in Chromium whose clock the test moves (FakeTimeProvider): grants expire on demand.</summary>
public sealed class FakeClockChromiumPortal : ChromiumPortal
{
    public LedgerDatabasesFixture Databases { get; } = new();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? Clock => Time;

    protected override async Task<IReadOnlyDictionary<string, string?>?> PrepareDatabasesAsync()
    {
        await Databases.InitializeAsync();
        return Databases.PortalConfiguration();
    }

    protected override Task DisposeDatabasesAsync() => Databases.DisposeAsync();
}

[CollectionDefinition(nameof(FakeClockChromiumPortalCollection))]
public sealed class FakeClockChromiumPortalCollection : ICollectionFixture<FakeClockChromiumPortal>;

/// <summary>Expiry is effective at once in an open circuit: the page re-masks by itself when its grant's time is up.</summary>
[Collection(nameof(FakeClockChromiumPortalCollection))]
public sealed class GrantExpiryBrowserTests(FakeClockChromiumPortal portal)
{
    static GrantExpiryBrowserTests() => SetDefaultExpectTimeout(30_000);

    [ChromiumFact]
    public async Task OpenTimeline_GrantExpires_PageMasksItselfWithoutANavigation()
    {
        const string account = "acc-000001";
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync(portal.Url("/cases").ToString());
        await session.SignInAtProviderAsync("investigator1", "investigator1-dev");
        await session.WaitForCircuitAsync();
        await page.GetByLabel("Title").FillAsync("Expiry " + Guid.NewGuid().ToString("N")[..6]);
        await page.GetByLabel("Purpose or legal basis").FillAsync("Art. 6(1)(f) GDPR: fraud prevention on the account");
        await page.GetByTestId("case-open").ClickAsync();
        await Expect(page.GetByTestId("case-heading")).ToContainTextAsync("Expiry");

        await page.GotoAsync(portal.Url($"/timeline/account/{account}?event=1").ToString());
        await session.WaitForCircuitAsync();
        var fields = page.GetByTestId("event-details").GetByTestId("fields");
        await Expect(fields).ToContainTextAsync(RedactionPolicy.MaskedText);

        await page.GetByTestId("reveal").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason").FillAsync("Suspected takeover: check who holds the account");
        await dialog.GetByLabel("For").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "15 minutes", Exact = true }).ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumPortal.ScreenshotDirectory, "grant-dialog.png") });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();
        await Expect(page.GetByTestId("grant-banner")).ToContainTextAsync("until");
        await Expect(fields.GetByTestId("revealed").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumPortal.ScreenshotDirectory, "timeline-revealed.png"), FullPage = true });
        var url = page.Url;

        // 16 minutes later: the circuit's timer fires, the page reloads its view masked — same page, no navigation.
        portal.Time.Advance(TimeSpan.FromMinutes(16));

        await Expect(fields.GetByTestId("revealed")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("grant-banner")).ToHaveCountAsync(0);
        await Expect(fields).ToContainTextAsync(RedactionPolicy.MaskedText);
        page.Url.ShouldBe(url);
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }
}

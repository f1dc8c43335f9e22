using System.Globalization;
using AuditPortal.Portal.Redaction;
using AuditPortal.Tests.E2e.Browser;
using AuditPortal.Tests.E2e.Gateway;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Timeline;

/// <summary>The browser portal over a seeded demo ledger (primary + standby) instead of an empty one.</summary>
public sealed class SeededChromiumPortal : ChromiumPortal
{
    public LedgerDatabasesFixture Databases { get; } = new();

    protected override async Task<IReadOnlyDictionary<string, string?>?> PrepareDatabasesAsync()
    {
        await Databases.InitializeAsync();
        var settings = Databases.PortalConfiguration();
        settings["Portal:Timeline:ProofBudget"] = "00:02:00"; // the badge must not depend on machine load
        return settings;
    }

    protected override Task DisposeDatabasesAsync() => Databases.DisposeAsync();
}

[CollectionDefinition(nameof(SeededChromiumPortalCollection))]
public sealed class SeededChromiumPortalCollection : ICollectionFixture<SeededChromiumPortal>;

/// <summary>
/// The auditor's workflow in headless Chromium, signed in through the real provider: search → timeline →
/// as-of → diff, with personal data masked everywhere and no CSP or script error.
/// </summary>
[Collection(nameof(SeededChromiumPortalCollection))]
public sealed class TimelineBrowserTests(SeededChromiumPortal portal)
{
    [ChromiumFact]
    public async Task Auditor_SearchTimelineAsOfDiff_PersonalDataMasked()
    {
        var (account, early) = await BusyAccountAsync();
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync(portal.Url("/timeline").ToString());
        await session.SignInAtProviderAsync("auditor1", "auditor1-dev");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Find an entity", Level = 1 })).ToBeVisibleAsync();
        await session.WaitForCircuitAsync();

        // Search (a plain GET form: the result's URL is the search's link).
        await page.GetByLabel("Stream type").FillAsync("account");
        await page.GetByLabel("Stream id").FillAsync(account);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByTestId("result-count")).ToContainTextAsync("1 entity match");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/timeline\\?.*id=" + account));
        await session.ScreenshotAsync("timeline-search");

        // Timeline: proof badge, payload on demand, masked.
        await page.GetByRole(AriaRole.Link, new() { Name = "account/" + account, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Timeline of account/" + account })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("proof-badge")).ToContainTextAsync("verified");
        var first = page.Locator("#event-1");
        await first.GetByText("Payload").ClickAsync();
        await Expect(first.GetByTestId("payload")).ToContainTextAsync(RedactionPolicy.MaskedText);
        await Expect(first.GetByTestId("masked-fields")).ToContainTextAsync("/holder_name");
        (await page.ContentAsync()).ShouldNotContain("\"enc\"");
        await session.ScreenshotAsync("timeline-entity");

        // As of an early point: state masked, events produced and excluded listed.
        await page.GetByRole(AriaRole.Link, new() { Name = "State as of now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"State of account/{account} as of" })).ToBeVisibleAsync();
        await page.GetByLabel("Business time T").FillAsync(early);
        await page.GetByLabel("as known at system time K").FillAsync(early);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show state" }).ClickAsync();
        await Expect(page.GetByTestId("state")).ToContainTextAsync(RedactionPolicy.MaskedText);
        await Expect(page.GetByTestId("excluded-reason").First).ToContainTextAsync("recorded after K");
        await session.ScreenshotAsync("timeline-as-of");

        // Diff against now.
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Changes of account/{account} between two as-of points" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("change").First).ToBeVisibleAsync();
        (await page.ContentAsync()).ShouldNotContain("\"enc\"");
        await session.ScreenshotAsync("timeline-diff");

        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    [ChromiumFact]
    public async Task InteractivePage_PrerenderedThenRenderedByItsCircuit_OneGatewayCallPerView()
    {
        var account = await QuietAccountAsync();
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync(portal.Url("/").ToString());
        await session.SignInAtProviderAsync("investigator1", "investigator1-dev");
        var before = await RequestsAsync("investigator1", "timeline.read", account);

        await page.GotoAsync(portal.Url(AuditPortal.Portal.PortalUrls.EntityTimeline("account", account)).ToString());

        // The badge inside the circuit-rendered layout: the circuit has rendered the page with its data. Had it
        // queried again, that query's request entry would have been written before the data came back.
        await Expect(page.Locator(".mud-layout[data-interactive=true] [data-testid=proof-badge]")).ToBeVisibleAsync();
        (await RequestsAsync("investigator1", "timeline.read", account)).ShouldBe(before + 1, "prerender + circuit = one view, one query");

        // A link followed inside the circuit is a view of its own: one more query, of its kind.
        var asOfBefore = await RequestsAsync("investigator1", "asof.read", account);
        await page.GetByRole(AriaRole.Link, new() { Name = "State as of now" }).ClickAsync();
        await Expect(page.GetByTestId("state")).ToBeVisibleAsync();
        (await RequestsAsync("investigator1", "asof.read", account)).ShouldBe(asOfBefore + 1);
        (await RequestsAsync("investigator1", "timeline.read", account)).ShouldBe(before + 1);
        // That query ran in the circuit, which has no HttpContext: the client address was captured when it started.
        (await portal.Databases.CountAsync("""
            SELECT count(*) FROM (SELECT client_address FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1
              AND action = 'query.requested' AND payload::jsonb ->> 'kind' = 'asof.read' ORDER BY seq DESC LIMIT 1) last
            WHERE client_address = '127.0.0.1'
            """, "investigator1")).ShouldBe(1);
        session.PortalErrors.ShouldBeEmpty();
    }

    /// <summary><c>query.requested</c> entries of <paramref name="user"/> for <paramref name="kind"/> on account <paramref name="account"/>.</summary>
    private Task<long> RequestsAsync(string user, string kind, string account) => portal.Databases.CountAsync("""
        SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = 'query.requested'
          AND payload::jsonb ->> 'kind' = $2 AND payload::jsonb -> 'parameters' ->> 'stream_id' = $3
        """, user, kind, account);

    /// <summary>An account with a few events (its timeline is one page).</summary>
    private async Task<string> QuietAccountAsync()
    {
        await using var connection = new NpgsqlConnection(portal.Databases.Replica(portal.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT stream_id FROM ledger.events WHERE stream_type = 'account' GROUP BY stream_id ORDER BY count(*), stream_id LIMIT 1", connection);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The account with the most events, and the system time of its third event (as the form takes it).</summary>
    private async Task<(string Account, string Early)> BusyAccountAsync()
    {
        await using var connection = new NpgsqlConnection(portal.Databases.Replica(portal.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            WITH busy AS (
              SELECT stream_id FROM ledger.events e WHERE stream_type = 'account'
                AND NOT EXISTS (SELECT 1 FROM keystore.erasures er WHERE er.subject_id = 'subj-' || substr(e.stream_id, 5))
              GROUP BY stream_id ORDER BY count(*) DESC, stream_id LIMIT 1)
            SELECT b.stream_id, to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            FROM busy b JOIN ledger.events e ON e.stream_type = 'account' AND e.stream_id = b.stream_id AND e.stream_seq = 3
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return (reader.GetString(0), reader.GetString(1).ToString(CultureInfo.InvariantCulture));
    }
}

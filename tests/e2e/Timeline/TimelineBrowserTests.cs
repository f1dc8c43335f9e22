using System.Text.RegularExpressions;
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
    /// <summary>An interaction is a circuit round trip plus a gateway call on a shared, busy machine: allow it time.</summary>
    static TimelineBrowserTests() => SetDefaultExpectTimeout(30_000);

    [ChromiumFact]
    public async Task Auditor_SearchTimelineAsOfDiff_PersonalDataMasked_EachInteractionOneQuery()
    {
        var (account, _) = await BusyAccountAsync();
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync(portal.Url("/timeline").ToString());
        await session.SignInAtProviderAsync("auditor1", "auditor1-dev");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Find an entity", Level = 1 })).ToBeVisibleAsync();
        await session.WaitForCircuitAsync();

        // Search: the form navigates to the search's URL.
        await page.GetByLabel("Stream type").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "account", Exact = true }).ClickAsync();
        // The select's choice has reached the circuit (and re-rendered the form) before the id is typed.
        await Expect(page.GetByRole(AriaRole.Option, new() { Name = "account", Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByText("account", new() { Exact = true }).First).ToBeVisibleAsync();
        await page.GetByLabel("Stream id").FillAsync(account);
        await Expect(page.GetByLabel("Stream id")).ToHaveValueAsync(account);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByTestId("result-count")).ToContainTextAsync("1 entity match");
        session.PortalErrors.ShouldBeEmpty();
        await Expect(page).ToHaveURLAsync(new Regex("/timeline\\?type=account&id=" + account + "$"));

        // Timeline: proof badge; expanding a row selects it (in the URL) and queries nothing.
        await page.GetByRole(AriaRole.Link, new() { Name = "account/" + account, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Timeline of account/" + account })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("proof-badge")).ToContainTextAsync("verified");
        var reads = await RequestsAsync("auditor1", "timeline.read", account);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show event #1", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("event=1#event-1$"));
        var details = page.GetByTestId("event-details");
        await Expect(details.GetByTestId("masked-fields")).ToContainTextAsync("/holder_name");
        await Expect(details.GetByTestId("fields")).ToContainTextAsync(RedactionPolicy.MaskedText);
        await details.GetByTestId("raw-toggle").ClickAsync();
        await Expect(details.GetByTestId("raw-json")).ToContainTextAsync("\"holder_name\":\"" + RedactionPolicy.MaskedText + "\"");
        (await page.ContentAsync()).ShouldNotContain("\"enc\"");
        (await RequestsAsync("auditor1", "timeline.read", account)).ShouldBe(reads, "selecting a row is view state, not a query");

        // Filters: ten rows per page (one query, first page, nothing selected).
        await page.GetByText("Filters", new() { Exact = true }).ClickAsync();
        await page.GetByLabel("Rows per page").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "10", Exact = true }).ClickAsync();
        await page.GetByTestId("apply-filters").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/timeline/account/" + account + "\\?size=10$"));
        await Expect(page.GetByTestId("page-label")).ToContainTextAsync("events 1–10");
        (await RequestsAsync("auditor1", "timeline.read", account)).ShouldBe(reads + 1);
        await page.GoBackAsync();
        await Expect(page.GetByTestId("event-details")).ToBeVisibleAsync();
        await page.GoForwardAsync();
        await Expect(page.GetByTestId("page-label")).ToContainTextAsync("events 1–10");
        reads = await RequestsAsync("auditor1", "timeline.read", account);

        // Next page: one query; back: the previous page again.
        await page.Locator("a[rel=next]").ClickAsync();
        await Expect(page.GetByTestId("page-label")).ToContainTextAsync("page 2");
        (await RequestsAsync("auditor1", "timeline.read", account)).ShouldBe(reads + 1);
        await Expect(page.Locator("[data-testid=event][data-stream-seq='11']")).ToBeVisibleAsync();
        await page.GoBackAsync();
        await Expect(page.GetByTestId("page-label")).ToContainTextAsync("page 1");

        // Sorting is a link: newest system time first.
        await page.GetByTestId("sort-system").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("order=system&size=10$"));
        await page.GetByTestId("sort-system").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("order=system&dir=desc&size=10$"));
        await page.GoBackAsync();
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/timeline/account/" + account + "\\?size=10$"));

        // As of the third event: state masked, later events excluded as recorded after K.
        await page.GetByRole(AriaRole.Button, new() { Name = "Show event #3", Exact = true }).ClickAsync();
        await page.GetByTestId("event-details").GetByTestId("as-of-event").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"State of account/{account} as of" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("state")).ToContainTextAsync(RedactionPolicy.MaskedText);
        await Expect(page.GetByTestId("excluded-reason").First).ToContainTextAsync("recorded after K");

        // The date-time pickers: a K typed as date and time becomes the URL's k (T = K).
        var kDate = page.GetByLabel("K date", new() { Exact = true });
        await kDate.FillAsync("2024-01-02");
        await kDate.PressAsync("Tab");
        var kTime = page.GetByLabel("K time", new() { Exact = true });
        await kTime.FillAsync("08:01"); // mid-way through the demo ledger's first minutes
        await kTime.PressAsync("Tab");
        var tDate = page.GetByLabel("T date", new() { Exact = true });
        await tDate.FillAsync("");
        await tDate.PressAsync("Tab");
        await page.GetByTestId("show-state").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("as-of\\?t=2024-01-02T08%3A01%3A00Z&k=2024-01-02T08%3A01%3A00Z$"));
        await Expect(page.GetByTestId("as-of-point")).ToContainTextAsync("K = 2024-01-02 08:01:00.000 UTC");

        // Diff against now (the compare fields left empty).
        await page.GetByTestId("compare").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Changes of account/{account} between two as-of points" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("change").First).ToBeVisibleAsync();
        var content = await page.ContentAsync();
        content.ShouldNotContain("\"enc\"");
        content.ShouldNotContain("/ct<");
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    /// <summary>
    /// Justified unmasking (issue 14) in the browser: an investigator opens a case (it becomes the active one),
    /// asks on the timeline to reveal a subject in the grant dialog (its rules shown, a short reason refused in
    /// the dialog), sees the values marked revealed with a banner of the live grant, and revokes it: the open
    /// circuit re-masks at once. The reason is logged with the grant and is in no URL the browser requests.
    /// </summary>
    [ChromiumFact]
    public async Task Investigator_RevealsByGrantInACase_RevokesAndTheOpenPageMasksAtOnce()
    {
        var (account, _) = await BusyAccountAsync();
        var reason = "Suspected account takeover, check the holder " + Guid.NewGuid().ToString("N")[..8];
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        var requested = new List<string>();
        page.Request += (_, request) => { lock (requested) requested.Add(request.Url); };

        await page.GotoAsync(portal.Url("/cases").ToString());
        await session.SignInAtProviderAsync("investigator1", "investigator1-dev");
        await session.WaitForCircuitAsync();
        await page.GetByLabel("Title").FillAsync("Takeover " + reason[^8..]);
        await page.GetByLabel("Purpose or legal basis").FillAsync("Art. 6(1)(f) GDPR: fraud prevention on the account");
        await page.GetByTestId("case-open").ClickAsync();
        await Expect(page.GetByTestId("case-heading")).ToContainTextAsync("Takeover");

        await page.GotoAsync(portal.Url($"/timeline/account/{account}?size=10&event=1").ToString());
        await session.WaitForCircuitAsync();
        var fields = page.GetByTestId("event-details").GetByTestId("fields");
        await Expect(fields).ToContainTextAsync(RedactionPolicy.MaskedText);

        await page.GetByTestId("reveal").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("grant-rules")).ToContainTextAsync("not only digits");
        await dialog.GetByLabel("Reason").FillAsync("too short");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();
        await Expect(dialog.GetByTestId("grant-problem")).ToContainTextAsync("at least 10 characters");
        await dialog.GetByLabel("Reason").FillAsync(reason);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();

        await Expect(page.GetByTestId("grant-banner")).ToBeVisibleAsync();
        await Expect(fields.GetByTestId("revealed").First).ToBeVisibleAsync();
        (await Purposes(reason)).ShouldBe(1, "the grant is one access-log entry with the reason as its purpose");
        session.PortalErrors.ShouldBeEmpty();

        var escaped = Uri.EscapeDataString(reason);
        page.Url.ShouldNotContain(escaped);
        lock (requested)
            requested.ShouldAllBe(url => !url.Contains(escaped) && !url.Contains("takeover", StringComparison.OrdinalIgnoreCase));

        // Revoke: the open page masks again at once (same circuit, no navigation).
        await page.GetByTestId("grant-revoke").First.ClickAsync();
        await Expect(page.GetByTestId("grant-banner")).ToHaveCountAsync(0);
        await Expect(fields.GetByTestId("revealed")).ToHaveCountAsync(0);
        await Expect(fields).ToContainTextAsync(RedactionPolicy.MaskedText);
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    /// <summary>
    /// The timeline pages at desktop width and on a 390 px phone, saved under var/test-results/screenshots;
    /// on the phone nothing may be wider than the screen (long values wrap).
    /// </summary>
    [ChromiumFact]
    public async Task TimelinePages_DesktopAndPhone_NothingWiderThanTheScreen()
    {
        var (account, early) = await BusyAccountAsync();
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync(portal.Url("/timeline").ToString());
        await session.SignInAtProviderAsync("auditor1", "auditor1-dev");
        var pages = new (string Name, string Url)[]
        {
            ("search", $"/timeline?id={account[..^1]}&match=prefix"),
            ("search-events", $"/timeline?type=account&id={account}&action=trade.executed&size=10"),
            ("timeline", AuditPortal.Portal.PortalUrls.TimelineEvent("account", account, 3)),
            ("as-of", $"/timeline/account/{account}/as-of?t={early}&k={early}"),
            ("diff", $"/timeline/account/{account}/diff?t1={early}&k1={early}"),
            ("proof", $"/timeline/account/{account}/proof"),
        };
        foreach (var (width, height, suffix) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (name, url) in pages)
            {
                await page.GotoAsync(portal.Url(url).ToString());
                await session.WaitForCircuitAsync();
                await Expect(page.Locator("h1")).ToBeVisibleAsync();
                await page.EvaluateAsync("() => window.scrollTo(0, 0)"); // a full-page shot from the top: the app bar is fixed
                await session.ScreenshotAsync($"timeline-{name}-{suffix}");
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                overflow.ShouldBeLessThanOrEqualTo(0, $"{name} at {width} px is {overflow} px wider than the screen");
                var clipped = await page.EvaluateAsync<int>(
                    "() => Math.max(0, ...Array.from(document.querySelectorAll('.mud-table-container')).map(e => e.scrollWidth - e.clientWidth))");
                clipped.ShouldBeLessThanOrEqualTo(1, $"{name} at {width} px: a grid is {clipped} px wider than its box (cut off, scrolled)");
            }
        }
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    /// <summary>Access-log requests whose stated purpose is <paramref name="purpose"/>.</summary>
    private Task<long> Purposes(string purpose) => portal.Databases.CountAsync(
        "SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND action = 'query.requested' AND payload::jsonb ->> 'purpose' = $1", purpose);

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

using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal;
using AuditPortal.Portal.Timeline;
using AuditPortal.Portal.Redaction;
using AuditPortal.Tests.E2e.Gateway;
using Npgsql;

namespace AuditPortal.Tests.E2e.Timeline;

/// <summary>
/// The timeline pages end to end over the real primary + standby of the seeded demo ledger: paging,
/// filters, strict parameters (400), unknown streams (404), redaction, and one access-log request +
/// outcome per page.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TimelinePagesTests(LedgerDatabasesFixture databases) : IDisposable
{
    // A generous proof budget: the badge assertions must not depend on how loaded the test machine is.
    private readonly GatewayPortalFactory _factory = new(databases, new Dictionary<string, string?> { ["Portal:Timeline:ProofBudget"] = "00:02:00" });

    private static string NewUser(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Task<long> EntriesAsync(string user, string action) =>
        databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = $2", user, action);

    private async Task<List<string>> ReplicaColumnAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(databases.Replica(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
            cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        await using var reader = await cmd.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        return values;
    }

    /// <summary>The account stream with the most events (ties: lowest id).</summary>
    private async Task<string> BusiestAccountAsync() => (await ReplicaColumnAsync(
        "SELECT stream_id FROM ledger.events WHERE stream_type = 'account' GROUP BY stream_id ORDER BY count(*) DESC, stream_id LIMIT 1"))[0];

    private static async Task<IHtmlDocument> GetPageAsync(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url);
        var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        response.StatusCode.ShouldBe(expected, $"{url}: {doc.QuerySelector("main")?.TextContent ?? doc.Body?.TextContent}");
        return doc;
    }

    private static string? Link(IHtmlDocument doc, string rel) => doc.QuerySelector($"a[rel={rel}]")?.GetAttribute("href");

    private static List<long> StreamSeqs(IHtmlDocument doc) =>
        doc.QuerySelectorAll("[data-testid=event]").Select(r => long.Parse(r.GetAttribute("data-stream-seq")!, CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public async Task Timeline_PagedForward_EveryEventOnceInOrder_AndPreviousReturnsSamePage()
    {
        var account = await BusiestAccountAsync();
        var head = long.Parse((await ReplicaColumnAsync("SELECT max(stream_seq) FROM ledger.events WHERE stream_type = 'account' AND stream_id = $1", account))[0], CultureInfo.InvariantCulture);
        head.ShouldBeGreaterThan(10, "the busiest demo account spans several pages of 4");
        using var client = _factory.ClientFor("auditor", NewUser("paging"));

        var seen = new List<long>();
        var pages = new List<(string Url, List<long> Seqs)>();
        string? url = $"/timeline/account/{account}?size=4";
        while (url is not null)
        {
            var doc = await GetPageAsync(client, url);
            var seqs = StreamSeqs(doc);
            seqs.Count.ShouldBeInRange(1, 4);
            pages.Add((url, seqs));
            seen.AddRange(seqs);
            url = Link(doc, "next");
            pages.Count.ShouldBeLessThan(100);
        }

        seen.ShouldBe(Enumerable.Range(1, (int)head).Select(i => (long)i).ToList());
        // Every page's "previous" link leads to exactly the page before it.
        for (var i = 1; i < pages.Count; i++)
        {
            var doc = await GetPageAsync(client, pages[i].Url);
            var previous = await GetPageAsync(client, Link(doc, "prev")!);
            StreamSeqs(previous).ShouldBe(pages[i - 1].Seqs);
        }
        // A page's URL is stable: asking again gives the same rows.
        StreamSeqs(await GetPageAsync(client, pages[^1].Url)).ShouldBe(pages[^1].Seqs);
    }

    [Fact]
    public async Task Timeline_DescendingBySystemTime_SeqAlwaysShown_AndPagingCoversAll()
    {
        var account = await BusiestAccountAsync();
        var expected = (await ReplicaColumnAsync(
            "SELECT stream_seq FROM ledger.events WHERE stream_type = 'account' AND stream_id = $1 ORDER BY recorded_at DESC, stream_seq DESC", account))
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();
        using var client = _factory.ClientFor("auditor", NewUser("order"));

        var seen = new List<long>();
        string? url = $"/timeline/account/{account}?order=system&dir=desc&size=5";
        while (url is not null)
        {
            var doc = await GetPageAsync(client, url);
            seen.AddRange(StreamSeqs(doc));
            url = Link(doc, "next");
        }

        seen.ShouldBe(expected);
    }

    [Fact]
    public async Task Search_EventsByActor_PagesStable_AndCountMatches()
    {
        var actor = (await ReplicaColumnAsync("SELECT actor FROM ledger.events GROUP BY actor HAVING count(*) BETWEEN 12 AND 200 ORDER BY count(*) DESC, actor LIMIT 1"))[0];
        var expected = await ReplicaColumnAsync("SELECT seq FROM ledger.events WHERE actor = $1 ORDER BY seq DESC", actor);
        using var client = _factory.ClientFor("auditor", NewUser("search"));

        var seen = new List<string>();
        string? url = $"/timeline?actor={Uri.EscapeDataString(actor)}&size=5";
        var first = true;
        while (url is not null)
        {
            var doc = await GetPageAsync(client, url);
            if (first)
                doc.QuerySelector("[data-testid=result-count]")!.TextContent.ShouldStartWith(expected.Count.ToString("N0", CultureInfo.InvariantCulture) + " events match");
            first = false;
            seen.AddRange(doc.QuerySelectorAll("[data-testid=event-results] [data-testid=hit]").Select(r => r.GetAttribute("data-seq")!));
            url = Link(doc, "next");
        }

        seen.ShouldBe(expected);
    }

    [Fact]
    public async Task Search_SortLink_ShowsTheSameEventsOldestFirst_PagedAndLogged()
    {
        var actor = (await ReplicaColumnAsync("SELECT actor FROM ledger.events GROUP BY actor HAVING count(*) BETWEEN 12 AND 200 ORDER BY count(*) DESC, actor LIMIT 1"))[0];
        var expected = await ReplicaColumnAsync("SELECT seq FROM ledger.events WHERE actor = $1 ORDER BY seq", actor);
        var user = NewUser("sort");
        using var client = _factory.ClientFor("auditor", user);

        var newest = await GetPageAsync(client, $"/timeline?actor={Uri.EscapeDataString(actor)}&size=5");
        var sort = newest.QuerySelector("[data-testid=search-sort]")!;
        (sort.GetAttribute("aria-sort"), sort.TextContent.Trim()).ShouldBe(("descending", "newest first"));

        var seen = new List<string>();
        string? url = sort.GetAttribute("href");
        url!.ShouldContain("dir=asc");
        while (url is not null)
        {
            var doc = await GetPageAsync(client, url);
            doc.QuerySelector("[data-testid=search-sort]")!.GetAttribute("aria-sort").ShouldBe("ascending");
            seen.AddRange(doc.QuerySelectorAll("[data-testid=event-results] [data-testid=hit]").Select(r => r.GetAttribute("data-seq")!));
            url = Link(doc, "next");
        }
        seen.ShouldBe(expected);

        var pages = (expected.Count + 4) / 5;
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = $2 AND payload::jsonb->'parameters'->>'dir' = $3",
            user, AccessLogEvents.RequestedAction, "asc")).ShouldBe(pages, "each page oldest first is logged with its direction");
    }

    [Fact]
    public async Task Search_EntitiesByTypeAndIdPrefix_ListsEachEntityOnce()
    {
        var expected = await ReplicaColumnAsync("SELECT DISTINCT stream_id FROM ledger.events WHERE stream_type = 'account' AND stream_id LIKE 'acc-00001%' ORDER BY 1");
        expected.Count.ShouldBeGreaterThan(3);
        using var client = _factory.ClientFor("auditor", NewUser("entities"));

        var seen = new List<string>();
        string? url = "/timeline?type=account&id=acc-00001&match=prefix&size=3";
        while (url is not null)
        {
            var doc = await GetPageAsync(client, url);
            seen.AddRange(doc.QuerySelectorAll("[data-testid=entity-results] [data-testid=entity] a").Select(a => a.TextContent["account/".Length..]));
            url = Link(doc, "next");
        }

        seen.ShouldBe(expected);
    }

    [Fact]
    public async Task Filters_Combine_ActionActorAndWindow()
    {
        var account = await BusiestAccountAsync();
        var row = (await ReplicaColumnAsync("""
            SELECT action || '|' || actor FROM ledger.events WHERE stream_type = 'account' AND stream_id = $1
            GROUP BY action, actor ORDER BY count(*) DESC, action, actor LIMIT 1
            """, account))[0].Split('|');
        var (action, actor) = (row[0], row[1]);
        var from = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = DateTime.Parse((await ReplicaColumnAsync(
            "SELECT to_char(max(occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM ledger.events WHERE stream_type = 'account' AND stream_id = $1", account))[0],
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var expected = await ReplicaColumnAsync("""
            SELECT stream_seq FROM ledger.events WHERE stream_type = 'account' AND stream_id = $1 AND action = $2 AND actor = $3
              AND occurred_at >= $4 AND occurred_at < $5 ORDER BY stream_seq
            """, account, action, actor, from, to);
        using var client = _factory.ClientFor("auditor", NewUser("filters"));

        var doc = await GetPageAsync(client,
            $"/timeline/account/{account}?action={Uri.EscapeDataString(action)}&actor={Uri.EscapeDataString(actor)}&from=2000-01-01T00:00:00Z&to={to:yyyy-MM-dd'T'HH:mm:ss'Z'}&size=200");

        StreamSeqs(doc).Select(s => s.ToString(CultureInfo.InvariantCulture)).ShouldBe(expected);
        doc.QuerySelectorAll("[data-testid=timeline-rows] [data-testid=action]").Select(a => a.TextContent).Distinct().ShouldBe([action]);
        doc.QuerySelectorAll("[data-testid=timeline-rows] [data-testid=actor]").Select(a => a.TextContent).Distinct().ShouldBe([actor]);
        doc.QuerySelector("[data-testid=result-count]")!.TextContent.ShouldStartWith($"{expected.Count} of ");

        // The same filters on the search page give the same events.
        var search = await GetPageAsync(client,
            $"/timeline?type=account&id={account}&action={Uri.EscapeDataString(action)}&actor={Uri.EscapeDataString(actor)}&from=2000-01-01&to={to:yyyy-MM-dd'T'HH:mm:ss'Z'}&size=200");
        search.QuerySelectorAll("[data-testid=event-results] [data-testid=hit]").Length.ShouldBe(expected.Count);
    }

    public static TheoryData<string, string> HostileParameters() => new()
    {
        { "/timeline?actor=x&from=yesterday", "from: not an ISO 8601 instant" },
        { "/timeline?actor=x&from=2024-13-45", "from: not an ISO 8601 instant" },
        { "/timeline?actor=x&from=2024-03-02&to=2024-03-01", "from: must be before 'to'" },
        { "/timeline?actor=x&from=0001-01-01T00:00:00Z", "outside the supported range" },
        { "/timeline?actor=x&size=100000", "size: a whole number from 1 to 200" },
        { "/timeline?actor=x&size=-1", "size: a whole number from 1 to 200" },
        { "/timeline?actor=x&size=1e3", "size: a whole number from 1 to 200" },
        { "/timeline?actor=x&actor=y", "actor: given 2 times" },
        { "/timeline?actor=x&pages=!!!", "pages: malformed page trail" },
        { "/timeline?actor=x&pages=AAAA", "cursor: malformed" },
        { "/timeline?actor=%E2%80%AEevil", "actor: must not contain control, format" },
        { "/timeline?actor=a%00b", "actor: must not contain control" },
        { "/timeline?q=" + new string('x', 201), "q: at most 200 characters" },
        { "/timeline/account/acc-000001?size=201", "size: a whole number from 1 to 200" },
        { "/timeline/account/acc-000001?order=random", "order: one of seq, business, system" },
        { "/timeline/account/acc-000001?dir=up", "dir: one of asc, desc" },
        { "/timeline/account/acc-000001?from=2024-02-30", "from: not an ISO 8601 instant" },
        { "/timeline/account/acc-000001?pages=" + new string('A', 600), "pages: malformed page trail" },
        { "/timeline/account/" + new string('a', 201), "id: at most 200 characters" },
        { "/timeline/account/acc%E2%80%8B000001", "id: must not contain control, format" },
        { "/timeline/account/acc-000001?unmask=short", "unmask: a justification is not accepted in the address" },
        { "/timeline/account/acc-000001?unmask=case+4711%3A+suspected+account+takeover", "unmask: a justification is not accepted in the address" },
        { "/timeline/account/acc-000001/as-of?unmask=case+4711%3A+suspected+account+takeover", "unmask: a justification is not accepted" },
        { "/timeline/account/acc-000001/diff?t1=2024-01-01&unmask=case+4711%3A+suspected+account+takeover", "unmask: a justification is not accepted" },
        { "/timeline/account/acc-000001?event=abc", "event: a whole number" },
        { "/timeline/account/acc-000001?event=0", "event: a whole number" },
        { "/timeline/account/acc-000001/as-of?t=not-a-date", "t: not an ISO 8601 instant" },
        { "/timeline/account/acc-000001/as-of?t=2024-03-02T00:00:00Z&k=2024-03-01T00:00:00Z", "is after the system time" },
        { "/timeline/account/acc-000001/as-of?k=2999-01-01T00:00:00Z", "is in the future" },
        { "/timeline/account/acc-000001/as-of?k=99999-01-01", "k: not an ISO 8601 instant" },
        { "/timeline/account/acc-000001/diff", "t1, k1: give at least one of them" },
        { "/timeline/account/acc-000001/diff?t1=2024-01-01&t2=garbage", "t2: not an ISO 8601 instant" },
        { "/timeline/account/acc-000001/diff?t1=2024-01-01&k1=2023-01-01", "is after the system time k1" },
    };

    [Theory]
    [MemberData(nameof(HostileParameters))]
    public async Task HostileOrMalformedParameters_Are400Pages_AndQueryNothing(string url, string problem)
    {
        var user = NewUser("bad");
        using var client = _factory.ClientFor("auditor", user);

        var doc = await GetPageAsync(client, url, HttpStatusCode.BadRequest);

        var section = doc.QuerySelector("[data-testid=status-400]");
        section.ShouldNotBeNull(url);
        section.TextContent.ShouldContain(problem, Case.Sensitive, url);
        (await EntriesAsync(user, AccessLogEvents.RequestedAction)).ShouldBe(0, "a 400 is decided before the gateway runs");
    }

    [Theory]
    [InlineData("/timeline/account/acc-999999")]
    [InlineData("/timeline/nosuchtype/x")]
    [InlineData("/timeline/account/acc-999999/as-of")]
    [InlineData("/timeline/account/acc-999999/diff?t1=2024-01-01")]
    [InlineData("/timeline/account/acc-999999/proof")]
    public async Task UnknownStream_Is404Page_LoggedOnce(string url)
    {
        var user = NewUser("unknown");
        using var client = _factory.ClientFor("auditor", user);

        var doc = await GetPageAsync(client, url, HttpStatusCode.NotFound);

        doc.QuerySelector("[data-testid=status-404]").ShouldNotBeNull(doc.DocumentElement.OuterHtml);
        doc.QuerySelector("[data-testid=status-404]")!.TextContent.ShouldContain("There is no stream");
        (await EntriesAsync(user, AccessLogEvents.RequestedAction)).ShouldBe(1);
        (await EntriesAsync(user, AccessLogEvents.CompletedAction)).ShouldBe(1);
    }

    [Fact]
    public async Task EveryPage_LeavesExactlyOneRequestAndOneOutcome_WithItsKind()
    {
        var account = await BusiestAccountAsync();
        var pages = new (string Url, string Kind)[]
        {
            ($"/timeline?type=account&id={account}", "entity.search"),
            ("/timeline?action=trade.executed&size=10", "entity.search"),
            ($"/timeline/account/{account}?size=5", "timeline.read"),
            ($"/timeline/account/{account}/as-of", "asof.read"),
            ($"/timeline/account/{account}/diff?t1=2000-01-01T00:00:00Z&k1=2000-01-01T00:00:00Z", "asof.diff"),
            ($"/timeline/account/{account}/proof", "stream.proof"),
        };
        foreach (var (url, kind) in pages)
        {
            var user = NewUser("once");
            using var client = _factory.ClientFor("investigator", user);

            await GetPageAsync(client, url);

            (await EntriesAsync(user, AccessLogEvents.RequestedAction)).ShouldBe(1, url);
            (await EntriesAsync(user, AccessLogEvents.CompletedAction)).ShouldBe(1, url);
            (await databases.CountAsync(
                "SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = 'query.requested' AND payload::jsonb ->> 'kind' = $2", user, kind))
                .ShouldBe(1, url);
        }
    }

    [Fact]
    public async Task SearchForm_WithoutCriteria_QueriesNothing()
    {
        var user = NewUser("empty");
        using var client = _factory.ClientFor("auditor", user);

        var doc = await GetPageAsync(client, "/timeline");

        doc.QuerySelector("[data-testid=no-criteria]").ShouldNotBeNull();
        doc.QuerySelector("form[role=search]").ShouldNotBeNull();
        (await EntriesAsync(user, AccessLogEvents.RequestedAction)).ShouldBe(0);
    }

    /// <summary>The selected (expanded) row of a timeline page: its stream_seq, or null.</summary>
    private static long? SelectedSeq(IHtmlDocument doc) =>
        doc.QuerySelector("tr.portal-row-selected [data-testid=event]")?.GetAttribute("data-stream-seq") is { } seq
            ? long.Parse(seq, CultureInfo.InvariantCulture) : null;

    private static string WithoutFragment(string url) => url.Split('#')[0];

    [Fact]
    public async Task Timeline_PersonalDataMasked_ProofVerified_CorrectionsLinked()
    {
        var account = (await ReplicaColumnAsync("""
            SELECT e.stream_id FROM ledger.events e
            WHERE e.stream_type = 'account' AND e.supersedes IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM keystore.erasures er WHERE er.subject_id = 'subj-' || substr(e.stream_id, 5))
            ORDER BY e.seq LIMIT 1
            """))[0];
        using var client = _factory.ClientFor("auditor", NewUser("masked"));

        // The opening event, selected: its payload as key/value rows, personal fields masked.
        var opened = await GetPageAsync(client, WithoutFragment(PortalUrls.TimelineEvent("account", account, 1)));
        SelectedSeq(opened).ShouldBe(1);
        var details = opened.QuerySelector("[data-testid=event-details]")!.TextContent;
        details.ShouldContain(RedactionPolicy.MaskedText);
        details.ShouldNotContain("A256GCM");
        opened.QuerySelector("[data-testid=masked-fields]")!.TextContent.ShouldContain("/holder_name");
        opened.QuerySelector("[data-testid=proof-badge]")!.TextContent.ShouldStartWith("verified");
        opened.QuerySelectorAll("[data-testid=finding]").ShouldBeEmpty();

        // Every correction links to the event it supersedes, and that link lands on it, which links back.
        var doc = await GetPageAsync(client, $"/timeline/account/{account}?size=200");
        var corrections = doc.QuerySelectorAll("[data-testid=correction-link]").Select(a => a.GetAttribute("href")!).ToList();
        corrections.ShouldNotBeEmpty();
        foreach (var href in corrections)
        {
            var target = await GetPageAsync(client, WithoutFragment(href));
            var seq = long.Parse(href[(href.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
            SelectedSeq(target).ShouldBe(seq, href);
            target.QuerySelector("tr.portal-row-selected [data-testid=superseded-by-link]").ShouldNotBeNull(href);
        }
        (await GetPageAsync(client, $"/timeline/account/{account}")).QuerySelector("[data-testid=event-details]").ShouldBeNull("nothing is expanded unless selected");
    }

    /// <summary>Regression (issue 12): links to events pointed at page 1 of the timeline, which need not hold the event.</summary>
    [Fact]
    public async Task EventLinks_FromAsOfAndSearch_LandOnThePageHoldingTheEvent_Selected()
    {
        var account = await BusiestAccountAsync();
        using var client = _factory.ClientFor("auditor", NewUser("landing"));
        var head = long.Parse((await ReplicaColumnAsync("SELECT max(stream_seq) FROM ledger.events WHERE stream_type = 'account' AND stream_id = $1", account))[0], CultureInfo.InvariantCulture);
        const int size = 10;
        head.ShouldBeGreaterThan(2 * size, "the busiest demo account spans several pages of 10");

        var asOf = await GetPageAsync(client, $"/timeline/account/{account}/as-of");
        var links = asOf.QuerySelectorAll("[data-testid=applied] [data-testid=event-link]").Select(a => a.GetAttribute("href")!).ToList();
        var deep = links.Last(); // the last applied events are far beyond the first page
        deep.ShouldBe(PortalUrls.TimelineEvent("account", account, long.Parse(deep[(deep.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture)));
        foreach (var href in new[] { links[0], deep })
        {
            var seq = long.Parse(href[(href.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
            // At the default size and at pages of 10, where the event is far beyond the first page.
            foreach (var url in new[] { WithoutFragment(href), WithoutFragment(href) + "&size=" + size })
            {
                var page = await GetPageAsync(client, url);
                SelectedSeq(page).ShouldBe(seq, url);
                page.GetElementById("event-" + seq.ToString(CultureInfo.InvariantCulture)).ShouldNotBeNull(url);
                page.QuerySelector("[data-testid=event-details]").ShouldNotBeNull(url);
            }
        }

        // Landed on page 3 of 10: "previous" leads to page 2, "next" to page 4.
        var landed = await GetPageAsync(client, $"/timeline/account/{account}?size={size}&event={2 * size + 5}");
        StreamSeqs(landed).ShouldBe(Enumerable.Range(2 * size + 1, size).Select(i => (long)i).ToList());
        StreamSeqs(await GetPageAsync(client, Link(landed, "prev")!)).ShouldBe(Enumerable.Range(size + 1, size).Select(i => (long)i).ToList());
        StreamSeqs(await GetPageAsync(client, Link(landed, "next")!))[0].ShouldBe(3 * size + 1);

        // A search hit links to its event the same way.
        var search = await GetPageAsync(client, $"/timeline?type=account&id={account}&action=trade.executed&size=1");
        var hit = search.QuerySelector("[data-testid=hit-event-link]")!;
        var hitPage = await GetPageAsync(client, WithoutFragment(hit.GetAttribute("href")!));
        SelectedSeq(hitPage).ShouldBe(long.Parse(hit.TextContent, CultureInfo.InvariantCulture));

        // An event the stream does not have is a 404 that says so.
        var missing = await GetPageAsync(client, $"/timeline/account/{account}?event={head + 1}", HttpStatusCode.NotFound);
        missing.QuerySelector("[data-testid=status-404]")!.TextContent.ShouldContain($"There is no event #{head + 1}");
    }

    [Fact]
    public async Task AsOf_ShowsStateAppliedAndExcludedEvents_AndDiffComparesTwoPoints()
    {
        var account = await BusiestAccountAsync();
        var times = (await ReplicaColumnAsync("""
            SELECT to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM ledger.events
            WHERE stream_type = 'account' AND stream_id = $1 ORDER BY stream_seq
            """, account));
        var k1 = times[2]; // after the first three events were recorded
        using var client = _factory.ClientFor("auditor", NewUser("asof"));

        var asOf = await GetPageAsync(client, $"/timeline/account/{account}/as-of?t={k1}&k={k1}");
        asOf.QuerySelector("[data-testid=state]")!.TextContent.ShouldContain(RedactionPolicy.MaskedText);
        asOf.QuerySelectorAll("[data-testid=applied] [data-testid=event-link]").Length.ShouldBeGreaterThan(0);
        asOf.QuerySelectorAll("[data-testid=excluded-reason]").Select(r => r.TextContent).ShouldContain(r => r.StartsWith("recorded after K", StringComparison.Ordinal));

        var diffUrl = $"/timeline/account/{account}/diff?t1={k1}&k1={k1}";
        var diff = await GetPageAsync(client, diffUrl);
        diff.QuerySelectorAll("[data-testid=change]").Length.ShouldBeGreaterThan(0);
        diff.QuerySelector("[data-testid=permalink]")!.GetAttribute("href").ShouldStartWith($"/timeline/account/{account}/diff?t1=");
    }

    public void Dispose() => _factory.Dispose();
}

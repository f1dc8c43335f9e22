using AuditPortal.Data.Replica;
using AuditPortal.Data.Timeline;
using AuditPortal.Verification.Ledger;
using static AuditPortal.Tests.Data.Timeline.TimelineLedgerFixture;

namespace AuditPortal.Tests.Data.Timeline;

public sealed class EntitySearchTests(TimelineLedgerFixture ledger) : IClassFixture<TimelineLedgerFixture>
{
    private readonly EntitySearch search = new();

    private async Task<SearchPage<EventHit>> Events(SearchRequest request, EntitySearch? with = null)
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        return await (with ?? search).FindEventsAsync(session.Connection, session.Transaction, request);
    }

    private async Task<SearchPage<StreamHit>> Streams(StreamSearchRequest request)
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        return await search.FindStreamsAsync(session.Connection, session.Transaction, request);
    }

    private async Task<List<EventHit>> AllPages(SearchRequest request, EntitySearch? with = null)
    {
        var all = new List<EventHit>();
        string? cursor = null;
        do
        {
            var page = await Events(request with { Cursor = cursor }, with);
            page.Items.Count.ShouldBeLessThanOrEqualTo(request.PageSize);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return all;
    }

    [Fact]
    public async Task Text_ClearValueOfPersonalField_NeverMatches()
    {
        foreach (var text in new[] { "Zebediah", "zebediah@example.com", "+1-555-0100", "912-70", "A256GCM" })
        {
            var page = await Events(new SearchRequest { Text = text });
            page.Items.ShouldBeEmpty(text);
            page.Matches.ShouldBe(new MatchCount(0, true));
        }
        // "Quux" does match, but only the institutional account's clear entity_name, never the encrypted holder name.
        var quux = await Events(new SearchRequest { Text = "Quux" });
        quux.Items.Select(h => h.Stream.Id).ShouldBe(["acc-000010"]);
    }

    [Fact]
    public async Task Text_NonPersonalValue_MatchesCaseInsensitiveUnicode()
    {
        var page = await Events(new SearchRequest { Text = "börse STUTTGART", PageSize = 200 });

        page.Items.Count.ShouldBe(Trades / 2);
        page.Matches.ShouldBe(new MatchCount(Trades / 2, true));
        page.Items.ShouldAllBe(h => h.Action == "trade.executed" && h.Stream.Id == Account);
    }

    [Fact]
    public async Task Text_SqlAndRegexMetacharacters_AreLiteral()
    {
        (await Events(new SearchRequest { Text = "O'Brien \"Quoted\"; DROP TABLE x; --" })).Items.Select(h => h.Action).ShouldBe(["instrument.listed"]);
        (await Events(new SearchRequest { Text = "'; DROP TABLE ledger.events; --" })).Items.ShouldBeEmpty();
        (await Events(new SearchRequest { Text = ".*" })).Items.ShouldBeEmpty();
        (await Events(new SearchRequest { Text = "\\\" flag \"i\") || (true" })).Items.ShouldBeEmpty();
        (await Events(new SearchRequest { Text = "🦓 zèbre" })).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Paging_ByActor_EveryEventOnceNewestFirst()
    {
        var all = await AllPages(new SearchRequest { Actor = "svc:order-router", PageSize = 5 });

        all.Count.ShouldBe(Trades);
        all.Select(h => h.Seq).ShouldBe(all.Select(h => h.Seq).OrderDescending().ToList());
        all.Select(h => h.EventId).Distinct().Count().ShouldBe(Trades);
        (await Events(new SearchRequest { Actor = "svc:order-router", PageSize = 5 })).Matches.ShouldBe(new MatchCount(Trades, true));
    }

    [Fact]
    public async Task Paging_OldestFirst_EveryEventOnceInAscendingOrder_AndACursorOfTheOtherOrderIsRefused()
    {
        var newest = await AllPages(new SearchRequest { Actor = "svc:order-router", PageSize = 5 });
        var oldest = await AllPages(new SearchRequest { Actor = "svc:order-router", PageSize = 5, OldestFirst = true });

        oldest.Select(h => h.Seq).ShouldBe(newest.Select(h => h.Seq).Reverse().ToList());
        oldest.Select(h => h.Seq).ShouldBeInOrder(SortDirection.Ascending);

        var firstNewest = await Events(new SearchRequest { Actor = "svc:order-router", PageSize = 5 });
        var wrong = await Should.ThrowAsync<QueryValidationException>(() =>
            Events(new SearchRequest { Actor = "svc:order-router", PageSize = 5, OldestFirst = true, Cursor = firstNewest.NextCursor }));
        wrong.Message.ShouldContain("cursor");
    }

    [Fact]
    public async Task Streams_ZToA_PagedInReverseIdOrder()
    {
        var first = await Streams(new StreamSearchRequest { StreamType = "account", StreamId = "acc-", IsPrefix = true, PageSize = 2, Descending = true });
        var second = await Streams(new StreamSearchRequest { StreamType = "account", StreamId = "acc-", IsPrefix = true, PageSize = 2, Descending = true, Cursor = first.NextCursor });

        first.Items.Select(s => s.Stream.Id).ShouldBe(["acc-000010", "acc-000002"]);
        second.Items.Select(s => s.Stream.Id).ShouldBe(["acc-000001"]);
        second.NextCursor.ShouldBeNull();
        await Should.ThrowAsync<QueryValidationException>(() =>
            Streams(new StreamSearchRequest { StreamType = "account", StreamId = "acc-", IsPrefix = true, PageSize = 2, Cursor = first.NextCursor }));
    }

    [Fact]
    public async Task Filters_Combine()
    {
        var window = new TimeWindow(TimeAxis.System, RecordedAt(5), RecordedAt(9));
        var page = await Events(new SearchRequest { StreamType = "account", StreamId = "acc-0000", StreamIdIsPrefix = true, Action = "trade.executed", Window = window });

        // trades 1..12 were recorded at minutes 3..14: minutes 5..8 are trades 3..6.
        page.Items.Select(h => h.EventId).ShouldBe(new[] { 6, 5, 4, 3 }.Select(i => ledger.Ids[$"trade-{i}"]));

        var business = await Events(new SearchRequest { StreamId = Account, Window = new TimeWindow(TimeAxis.Business, null, Base.AddDays(-1)) });
        business.Items.Select(h => h.EventId).ShouldBe([ledger.Ids["late"]]);

        var none = await Events(new SearchRequest { Actor = "svc:order-router", Action = "account.opened" });
        none.Items.ShouldBeEmpty();
        none.Matches.ShouldBe(new MatchCount(0, true));
        none.NextCursor.ShouldBeNull();
    }

    [Fact]
    public async Task Count_BeyondCap_SaysMoreThan()
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        var page = await new EntitySearch { CountCap = 5 }.FindEventsAsync(session.Connection, session.Transaction,
            new SearchRequest { StreamType = "account", PageSize = 2 });

        page.Matches.ShouldBe(new MatchCount(5, false));
        page.Matches.ToString().ShouldBe("more than 5");
    }

    // Under the cap the page comes from the count's own scan; above it, from a query of its own: both give the same pages.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pages_AreTheSame_WhetherTheMatchesFitUnderTheCapOrNot(bool oldestFirst)
    {
        var request = new SearchRequest { StreamType = "account", PageSize = 3, OldestFirst = oldestFirst };
        var exact = (await AllPages(request)).Select(h => h.Seq).ToList();
        var capped = (await AllPages(request, new EntitySearch { CountCap = 2 })).Select(h => h.Seq).ToList();

        exact.Count.ShouldBeGreaterThan(6);
        capped.ShouldBe(exact);
        exact.ShouldBe(oldestFirst ? exact.Order().ToList() : exact.OrderDescending().ToList());
    }

    [Fact]
    public async Task Text_CountStopsAtTheTextCap_AndPagesStayTheSame()
    {
        var request = new SearchRequest { Text = "börse stuttgart", PageSize = 2 };
        var textCapped = new EntitySearch { TextCountCap = 3 };

        (await Events(request, textCapped)).Matches.ShouldBe(new MatchCount(3, false));
        (await Events(request, new EntitySearch { CountCap = 3 })).Matches.ShouldBe(new MatchCount(Trades / 2, true));
        (await AllPages(request, textCapped)).Select(h => h.Seq).ShouldBe((await AllPages(request)).Select(h => h.Seq));
    }

    [Fact]
    public async Task Streams_ByPrefix_PagedInIdOrderWithHeads()
    {
        var first = await Streams(new StreamSearchRequest { StreamType = "account", StreamId = "acc-", IsPrefix = true, PageSize = 2 });
        var second = await Streams(new StreamSearchRequest { StreamType = "account", StreamId = "acc-", IsPrefix = true, PageSize = 2, Cursor = first.NextCursor });

        first.Items.Select(s => s.Stream.Id).ShouldBe(["acc-000001", "acc-000002"]);
        first.Matches.ShouldBe(new MatchCount(3, true));
        first.Items[0].HeadStreamSeq.ShouldBe(16);
        first.Items[0].HeadAction.ShouldBe("trade.corrected");
        second.Items.Select(s => s.Stream.Id).ShouldBe(["acc-000010"]);
        second.NextCursor.ShouldBeNull();

        var exact = await Streams(new StreamSearchRequest { StreamType = "instrument", StreamId = "US0000000001" });
        exact.Items.Single().Stream.ShouldBe(new StreamKey("instrument", "US0000000001"));
        (await Streams(new StreamSearchRequest { StreamType = "account", StreamId = "acc-999999" })).Items.ShouldBeEmpty();
        (await Streams(new StreamSearchRequest { StreamId = "%", IsPrefix = true })).Items.ShouldBeEmpty();
    }

    public static TheoryData<string, SearchRequest> Hostile => new()
    {
        { "pageSize", new SearchRequest { Actor = "a", PageSize = 0 } },
        { "pageSize", new SearchRequest { Actor = "a", PageSize = 1_000_000 } },
        { "query", new SearchRequest() },
        { "text", new SearchRequest { Text = "" } },
        { "text", new SearchRequest { Text = "   " } },
        { "text", new SearchRequest { Text = new string('x', 201) } },
        { "text", new SearchRequest { Text = "nul\0byte" } },
        { "text", new SearchRequest { Text = "lone \ud800 surrogate" } },
        { "actor", new SearchRequest { Actor = "tab\tin" } },
        { "streamId", new SearchRequest { StreamId = "", StreamIdIsPrefix = true } },
        { "window", new SearchRequest { Window = new TimeWindow(TimeAxis.Business, Base, Base) } },
        { "window", new SearchRequest { Window = new TimeWindow(TimeAxis.System, Base.AddDays(1), Base) } },
        { "window.from", new SearchRequest { Window = new TimeWindow(TimeAxis.System, DateTimeOffset.MinValue, null) } },
        { "window", new SearchRequest { Window = new TimeWindow((TimeAxis)7, null, null) } },
        { "cursor", new SearchRequest { Actor = "a", Cursor = "!!!" } },
        { "cursor", new SearchRequest { Actor = "a", Cursor = "WyJldjEiLCItMSJd" } },
        { "cursor", new SearchRequest { Actor = "a", Cursor = "WyJ0bDEiLCIxIl0" } },
        { "cursor", new SearchRequest { Actor = "a", Cursor = new string('A', 5000) } },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Hostile_GivesValidationError(string parameter, SearchRequest request)
    {
        var ex = await Should.ThrowAsync<QueryValidationException>(() => Events(request));
        ex.ParamName.ShouldBe(parameter);
        ex.Reason.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Hostile_StreamRequests_GiveValidationErrors()
    {
        (await Should.ThrowAsync<QueryValidationException>(() => Streams(new StreamSearchRequest { PageSize = 201 }))).ParamName.ShouldBe("pageSize");
        (await Should.ThrowAsync<QueryValidationException>(() => Streams(new StreamSearchRequest { StreamId = "acc-1" }))).ParamName.ShouldBe("streamType");
        (await Should.ThrowAsync<QueryValidationException>(() => Streams(new StreamSearchRequest { Cursor = "e30" }))).ParamName.ShouldBe("cursor");
    }

    [Fact]
    public void ParseInstant_BadDates_GiveValidationErrors()
    {
        TimeWindow.ParseInstant("t", "2024-03-01T09:30:00Z").ShouldBe(new DateTimeOffset(2024, 3, 1, 9, 30, 0, TimeSpan.Zero));
        TimeWindow.ParseInstant("t", "").ShouldBeNull();
        foreach (var bad in new[] { "2024-13-01", "yesterday", "0001-01-01T00:00:00Z", "2024-02-30", "'; --" })
            Should.Throw<QueryValidationException>(() => TimeWindow.ParseInstant("t", bad)).ParamName.ShouldBe("t");
    }
}

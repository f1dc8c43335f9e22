using AuditPortal.Data.Timeline;
using AuditPortal.Verification.Ledger;
using static AuditPortal.Tests.Data.Timeline.TimelineLedgerFixture;

namespace AuditPortal.Tests.Data.Timeline;

public sealed class TimelineQueryTests(TimelineLedgerFixture ledger) : IClassFixture<TimelineLedgerFixture>
{
    private static readonly StreamKey AccountStream = new("account", Account);
    private const int StreamLength = 16;

    private async Task<TimelinePage> Read(TimelineRequest request)
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        return await new TimelineQuery().ReadAsync(session.Connection, session.Transaction, request);
    }

    private async Task<List<TimelineItem>> AllPages(TimelineRequest request)
    {
        var all = new List<TimelineItem>();
        string? cursor = null;
        do
        {
            var page = await Read(request with { Cursor = cursor });
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return all;
    }

    [Theory]
    [InlineData(TimelineOrder.StreamSeq, false)]
    [InlineData(TimelineOrder.StreamSeq, true)]
    [InlineData(TimelineOrder.OccurredAt, false)]
    [InlineData(TimelineOrder.OccurredAt, true)]
    [InlineData(TimelineOrder.RecordedAt, false)]
    public async Task Paging_EveryOrder_EachEventOnceInOrder(TimelineOrder order, bool descending)
    {
        var all = await AllPages(new TimelineRequest { Stream = AccountStream, Order = order, Descending = descending, PageSize = 3 });

        all.Select(i => i.StreamSeq).Order().ShouldBe(Enumerable.Range(1, StreamLength).Select(i => (long)i));
        IEnumerable<TimelineItem> expected = order switch
        {
            TimelineOrder.OccurredAt => all.OrderBy(i => i.OccurredAt).ThenBy(i => i.StreamSeq),
            TimelineOrder.RecordedAt => all.OrderBy(i => i.RecordedAt).ThenBy(i => i.StreamSeq),
            _ => all.OrderBy(i => i.StreamSeq),
        };
        all.Select(i => i.StreamSeq).ShouldBe((descending ? expected.Reverse() : expected).Select(i => i.StreamSeq));
        if (order == TimelineOrder.OccurredAt && !descending)
            all[0].EventId.ShouldBe(ledger.Ids["late"], "the late arrival's business time is the earliest");
    }

    [Fact]
    public async Task FirstPage_CarriesHeadCountSummaryAndPayload()
    {
        var page = await Read(new TimelineRequest { Stream = AccountStream, PageSize = 2 });

        page.HeadStreamSeq.ShouldBe(StreamLength);
        page.Matches.ShouldBe(new MatchCount(StreamLength, true));
        page.StreamExists.ShouldBeTrue();
        page.Items[0].Action.ShouldBe("account.opened");
        page.Items[0].Summary.ShouldBe("Individual account opened in USD, status pending_kyc");
        page.Items[0].PayloadJson.ShouldContain("\"enc\":\"A256GCM\"");
        page.Items[0].PayloadJson.ShouldNotContain("Zebediah");
        page.Items[1].Summary.ShouldBe("Deposit 10000.00 USD by wire, balance 10000.00");
    }

    [Fact]
    public async Task Correction_BothDirectionsLinked()
    {
        var all = await AllPages(new TimelineRequest { Stream = AccountStream, PageSize = 200 });
        var original = all.Single(i => i.EventId == ledger.Ids["trade-2"]);
        var correction = all.Single(i => i.EventId == ledger.Ids["correction"]);

        original.SupersededBy.ShouldBe([ledger.Ids["correction"]]);
        original.Supersedes.ShouldBeNull();
        correction.Supersedes.ShouldBe(ledger.Ids["trade-2"]);
        correction.SupersededBy.ShouldBeEmpty();
        correction.Summary.ShouldBe("Trade t-2 corrected: buy 10 US0000000001 @ 10.5000 = 105.00 USD (venue price amendment)");
    }

    [Fact]
    public async Task LateArrival_FlaggedByConfigurableThreshold()
    {
        var all = await AllPages(new TimelineRequest { Stream = AccountStream, PageSize = 200 });
        all.Where(i => i.LateArrival).Select(i => i.EventId).ShouldBe([ledger.Ids["late"]]);

        var strict = await AllPages(new TimelineRequest { Stream = AccountStream, PageSize = 200, LateArrivalThreshold = TimeSpan.FromMilliseconds(500) });
        strict.Count(i => i.LateArrival).ShouldBe(StreamLength);
        all.Single(i => i.LateArrival).ArrivalLag.ShouldBe(TimeSpan.FromDays(30));
    }

    [Fact]
    public async Task Filters_CombineAndCount()
    {
        var page = await Read(new TimelineRequest
        {
            Stream = AccountStream,
            Action = "trade.executed",
            Actor = "svc:order-router",
            Window = new TimeWindow(TimeAxis.Business, RecordedAt(4), RecordedAt(8)),
            PageSize = 2,
        });

        // trades recorded at minutes 3..14 occurred one second earlier: business window [4, 8) holds minutes 5..8 → trades 3..6.
        page.Matches.ShouldBe(new MatchCount(4, true));
        page.HeadStreamSeq.ShouldBe(StreamLength);
        var all = await AllPages(new TimelineRequest
        {
            Stream = AccountStream, Action = "trade.executed", Actor = "svc:order-router",
            Window = new TimeWindow(TimeAxis.Business, RecordedAt(4), RecordedAt(8)), PageSize = 2,
        });
        all.Select(i => i.EventId).ShouldBe(new[] { 3, 4, 5, 6 }.Select(i => ledger.Ids[$"trade-{i}"]));
    }

    [Fact]
    public async Task UnknownAndUnicodeStreams_EmptyNotError()
    {
        foreach (var id in new[] { "acc-999999", "ünï'cødé\"; --", "🦓" })
        {
            var page = await Read(new TimelineRequest { Stream = new StreamKey("account", id) });
            page.StreamExists.ShouldBeFalse();
            page.Items.ShouldBeEmpty();
            page.Matches.ShouldBe(new MatchCount(0, true));
        }
    }

    [Fact]
    public async Task Hostile_GivesValidationErrors()
    {
        var first = await Read(new TimelineRequest { Stream = AccountStream, PageSize = 2 });
        var byTime = await Read(new TimelineRequest { Stream = AccountStream, PageSize = 2, Order = TimelineOrder.OccurredAt });
        var cases = new (string Parameter, TimelineRequest Request)[]
        {
            ("pageSize", new TimelineRequest { Stream = AccountStream, PageSize = 201 }),
            ("pageSize", new TimelineRequest { Stream = AccountStream, PageSize = -1 }),
            ("streamId", new TimelineRequest { Stream = new StreamKey("account", "") }),
            ("stream", new TimelineRequest { Stream = default }),
            ("order", new TimelineRequest { Stream = AccountStream, Order = (TimelineOrder)9 }),
            ("window", new TimelineRequest { Stream = AccountStream, Window = new TimeWindow(TimeAxis.System, Base, Base.AddDays(-1)) }),
            ("lateArrivalThreshold", new TimelineRequest { Stream = AccountStream, LateArrivalThreshold = TimeSpan.Zero }),
            ("cursor", new TimelineRequest { Stream = AccountStream, Cursor = "not a cursor" }),
            ("cursor", new TimelineRequest { Stream = AccountStream, Cursor = first.NextCursor, Descending = true }),
            ("cursor", new TimelineRequest { Stream = AccountStream, Cursor = first.NextCursor, Order = TimelineOrder.RecordedAt }),
            ("cursor", new TimelineRequest { Stream = AccountStream, Cursor = byTime.NextCursor }),
        };
        foreach (var (parameter, request) in cases)
            (await Should.ThrowAsync<QueryValidationException>(() => Read(request))).ParamName.ShouldBe(parameter, request.ToString());
    }
}

using AuditPortal.Data.Timeline;
using AuditPortal.Portal;
using AuditPortal.Portal.Timeline;
using AuditPortal.Verification.Ledger;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace AuditPortal.Tests.Portal;

/// <summary>Timeline URLs are built once in PortalUrls, escaped once, and read back strictly into the same criteria.</summary>
public sealed class TimelineUrlsTests
{
    private static StrictQuery Query(string url) =>
        new(new QueryCollection(QueryHelpers.ParseQuery(url.Contains('?', StringComparison.Ordinal) ? url[url.IndexOf('?', StringComparison.Ordinal)..] : "")));

    [Fact]
    public void EntityTimeline_HostileId_EscapedOnceInPath()
    {
        PortalUrls.EntityTimeline("account", "a/b?c=d&e#f %").ShouldBe("/timeline/account/a%2Fb%3Fc%3Dd%26e%23f%20%25");
    }

    [Fact]
    public void EntityTimeline_Criteria_RoundTripThroughStrictParsing()
    {
        var criteria = new TimelineCriteria(new StreamKey("account", "acc-000001"), "trade.executed", "svc:router", TimeAxis.System,
            new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 4, 1, 12, 0, 0, 500, TimeSpan.Zero),
            TimelineOrder.RecordedAt, true, 20, new PageTrail(["abc", "def-_1"]));

        var url = PortalUrls.EntityTimeline(criteria);
        url.ShouldBe("/timeline/account/acc-000001?action=trade.executed&actor=svc%3Arouter&axis=system&from=2024-03-01T00%3A00%3A00Z"
            + "&to=2024-04-01T12%3A00%3A00.5Z&order=system&dir=desc&size=20&pages=abc.def-_1");
        var q = Query(url);
        var parsed = TimelineCriteria.Parse(q, "account", "acc-000001");

        q.Problems.ShouldBeEmpty();
        parsed.ShouldBe(criteria);
    }

    [Theory]
    [InlineData("starred", null, "/timeline/account/acc-000001?mark=starred&size=10&pages=abc")]
    [InlineData(null, "follow-up", "/timeline/account/acc-000001?label=follow-up&size=10&pages=abc")]
    public void EntityTimeline_AnnotationFilter_RoundTrips_IsAFilter_AndIsLogged(string? mark, string? label, string expected)
    {
        var criteria = TimelineCriteria.For(new StreamKey("account", "acc-000001")) with { Mark = mark, Label = label, PageSize = 10, Trail = new PageTrail(["abc"]) };

        var url = PortalUrls.EntityTimeline(criteria);
        url.ShouldBe(expected);
        var q = Query(url);
        TimelineCriteria.Parse(q, "account", "acc-000001").ShouldBe(criteria);
        q.Problems.ShouldBeEmpty();
        criteria.IsFiltered.ShouldBeTrue("the page is counted and labelled as a filtered one");
        System.Text.Json.JsonSerializer.Serialize(criteria.Canonical).ShouldContain(mark is null ? "\"label\":\"follow-up\"" : "\"mark\":\"starred\"");
        criteria.ToRequest([Guid.Empty]).EventIds.ShouldBe([Guid.Empty]);
        criteria.ToRequest().EventIds.ShouldBeEmpty("no annotated event: nothing matches, not everything");
        TimelineCriteria.For(new StreamKey("account", "acc-000001")).ToRequest([Guid.Empty]).EventIds.ShouldBeNull();
    }

    [Theory]
    [InlineData("?mark=stars", "mark: want starred or annotated")]
    [InlineData("?mark=starred&label=x", "mark, label: filter by one of them")]
    [InlineData("?label=a%01b", "label")]
    public void EntityTimeline_BadAnnotationFilter_IsAProblem(string query, string problem)
    {
        var q = Query(query);
        TimelineCriteria.Parse(q, "account", "acc-000001");
        q.Problems.ShouldContain(p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void EntityTimeline_Defaults_AreOmitted()
    {
        PortalUrls.EntityTimeline(TimelineCriteria.For(new StreamKey("account", "acc-000001"))).ShouldBe("/timeline/account/acc-000001");
    }

    [Fact]
    public void Search_RoundTrip_AndPreviousDropsLastCursor()
    {
        var criteria = SearchCriteria.Empty with { Actor = "ops.jdoe", Text = "ä ö & =", Trail = new PageTrail(["c1", "c2"]) };

        var url = PortalUrls.Search(criteria);
        url.ShouldBe("/timeline?actor=ops.jdoe&q=%C3%A4%20%C3%B6%20%26%20%3D&pages=c1.c2");
        var q = Query(url);
        SearchCriteria.Parse(q).ShouldBe(criteria);
        q.Problems.ShouldBeEmpty();
        PortalUrls.Search(criteria.WithTrail(criteria.Trail.Previous!)).ShouldBe("/timeline?actor=ops.jdoe&q=%C3%A4%20%C3%B6%20%26%20%3D&pages=c1");
        PortalUrls.Search(criteria.WithTrail(criteria.Trail.Previous!.Previous!)).ShouldBe("/timeline?actor=ops.jdoe&q=%C3%A4%20%C3%B6%20%26%20%3D");
    }

    [Fact]
    public void Search_Direction_DefaultsByMode_RoundTrips_AndIsLogged()
    {
        var events = SearchCriteria.Empty with { Actor = "ops.jdoe" };
        var entities = SearchCriteria.Empty with { StreamType = "account" };
        (events.IsDescending, entities.IsDescending).ShouldBe((true, false));

        var oldestFirst = events.Reversed();
        PortalUrls.Search(oldestFirst).ShouldBe("/timeline?actor=ops.jdoe&dir=asc");
        SearchCriteria.Parse(Query(PortalUrls.Search(oldestFirst))).ShouldBe(oldestFirst);
        oldestFirst.ToEventRequest().OldestFirst.ShouldBeTrue();
        oldestFirst.Reversed().IsDescending.ShouldBeTrue();
        (events with { Trail = new PageTrail(["c1"]) }).Reversed().Trail.ShouldBe(PageTrail.First);
        entities.Reversed().ToStreamRequest().Descending.ShouldBeTrue();

        System.Text.Json.JsonSerializer.Serialize(events.Canonical).ShouldContain("\"dir\":\"desc\"");
        System.Text.Json.JsonSerializer.Serialize(entities.Canonical).ShouldContain("\"dir\":\"asc\"");

        var bad = Query("/timeline?actor=ops.jdoe&dir=sideways");
        SearchCriteria.Parse(bad);
        bad.Problems.ShouldBe(["dir: one of asc, desc"]);
    }

    [Fact]
    public void AsOfAndDiff_ExplicitInstants()
    {
        var t = new DateTimeOffset(2024, 3, 1, 9, 30, 0, TimeSpan.FromHours(2));
        var k = new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero);
        PortalUrls.AsOf("account", "acc-1", t, k).ShouldBe("/timeline/account/acc-1/as-of?t=2024-03-01T07%3A30%3A00Z&k=2024-03-05T00%3A00%3A00Z");
        PortalUrls.Diff("account", "acc-1", new AsOfPoint(t, k), new AsOfPoint(k, k))
            .ShouldBe("/timeline/account/acc-1/diff?t1=2024-03-01T07%3A30%3A00Z&k1=2024-03-05T00%3A00%3A00Z&t2=2024-03-05T00%3A00%3A00Z&k2=2024-03-05T00%3A00%3A00Z");
    }

    [Theory]
    [InlineData("?t=2024-03-02&k=2024-03-01", "is after the system time k")]
    [InlineData("?k=2030-01-01", "is in the future")]
    [InlineData("?t=yesterday", "t: not an ISO 8601 instant")]
    [InlineData("?t=2024-01-01&t=2024-01-02", "t: given 2 times")]
    [InlineData("?t=2024-01-01%E2%80%AE", "t: must not contain control, format")]
    public void AsOfPoint_Nonsense_IsAProblem(string query, string problem)
    {
        var q = Query(query);
        AsOfPoint.Parse(q, "t", "k", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        q.Problems.ShouldContain(p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void AsOfPoint_Defaults_KIsNowAndTIsK()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var q = Query("");
        AsOfPoint.Parse(q, "t", "k", now).ShouldBe(new AsOfPoint(now, now));
        q.Problems.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("a.b=")]
    [InlineData("a b")]
    public void PageTrail_Malformed_IsRefused(string trail) => PageTrail.TryParse(trail, out _).ShouldBeFalse();

    [Fact]
    public void PageTrail_TooDeep_IsRefused() =>
        PageTrail.TryParse(string.Join('.', Enumerable.Repeat("c", PageTrail.MaxDepth + 1)), out _).ShouldBeFalse();

    [Fact]
    public void TimelineEvent_LinksByStreamSeq_WithTheRowsAnchor()
    {
        PortalUrls.TimelineEvent("account", "acc-000010", 86).ShouldBe("/timeline/account/acc-000010?event=86#event-86");
        PortalUrls.TimelineEvent("account", "a/b", null).ShouldBe("/timeline/account/a%2Fb");
    }

    [Theory]
    [InlineData(1, 50, 0)]
    [InlineData(50, 50, 0)]
    [InlineData(51, 50, 1)]
    [InlineData(86, 50, 1)]
    [InlineData(86, 10, 8)]
    [InlineData(100_000, 50, PageTrail.MaxDepth)]
    public void TimelineEvent_Parsed_NamesThePageThatHoldsTheEvent(long streamSeq, int size, int depth)
    {
        var url = PortalUrls.TimelineEvent("account", "acc-000010", streamSeq) + (size == TimelineCriteria.DefaultPageSize ? "" : "&size=" + size);
        var q = Query(url.Replace("#event-" + streamSeq, "", StringComparison.Ordinal));

        var criteria = TimelineCriteria.Parse(q, "account", "acc-000010");

        q.Problems.ShouldBeEmpty();
        criteria.Event.ShouldBe(streamSeq);
        criteria.Trail.Cursors.Count.ShouldBe(depth);
        // The trail's last cursor is the one paging forward from the event before the page's first event.
        var pageStart = (streamSeq - 1) / size * size;
        criteria.Trail.Current.ShouldBe(pageStart == 0 ? null : TimelineQuery.CursorAfterStreamSeq(pageStart));
    }

    [Fact]
    public void TimelineEvent_InAFilteredView_OnlySelectsOnTheNamedPage()
    {
        var q = Query("/timeline/account/acc-000010?action=trade.executed&event=86");

        var criteria = TimelineCriteria.Parse(q, "account", "acc-000010");

        q.Problems.ShouldBeEmpty();
        criteria.Event.ShouldBe(86);
        criteria.Trail.ShouldBe(PageTrail.First);
    }

    [Fact]
    public void EntityTimeline_WithSelection_RoundTrips_AndSelectionIsNotPartOfTheQuery()
    {
        var criteria = TimelineCriteria.For(new StreamKey("account", "acc-000001")).WithTrail(new PageTrail(["abc"])).Select(7);

        var url = PortalUrls.EntityTimeline(criteria);

        url.ShouldBe("/timeline/account/acc-000001?pages=abc&event=7#event-7");
        TimelineCriteria.Parse(Query(url.Split('#')[0]), "account", "acc-000001").ShouldBe(criteria);
        criteria.Select(null).ToRequest().ShouldBeEquivalentTo(TimelineCriteria.For(new StreamKey("account", "acc-000001")).WithTrail(new PageTrail(["abc"])).ToRequest());
    }

    [Fact]
    public void VerificationFinding_LinksToItsEvent_ByStreamSeq_NotTheGlobalSeq()
    {
        var stream = new StreamKey("account", "acc-000010");
        var finding = new AuditPortal.Verification.Verifying.Finding(AuditPortal.Verification.Verifying.FindingKind.StreamChainBroken, 12_345, stream, 86, "aa", "bb", "broken");

        var view = AuditPortal.Portal.Verification.FindingView.From(new AuditPortal.Portal.Verification.RunFinding(1, finding, DateTimeOffset.UnixEpoch));

        view.TimelineUrl.ShouldBe("/timeline/account/acc-000010?event=86#event-86");
    }

    [Fact]
    public void UnmaskInTheAddress_IsRefused()
    {
        var q = Query("/timeline/account/acc-000001?unmask=case+4711%3A+account+takeover");

        UnmaskParameter.Refuse(q);

        q.Problems.ShouldHaveSingleItem().ShouldStartWith("unmask: a justification is not accepted in the address");
    }
}

using AuditPortal.Portal.Timeline;
using AuditPortal.Verification.Ledger;
using Bunit;

namespace AuditPortal.Tests.Portal;

/// <summary>The timeline's filter panel: its form exists only while the panel is open (a closed one held ~100 MudBlazor components per circuit).</summary>
public sealed class TimelineFiltersTests : PortalComponentTest
{
    private static readonly TimelineCriteria Plain = TimelineCriteria.For(new StreamKey("account", "acc-000001"));

    [Fact]
    public void Closed_RendersNoForm_OpeningRendersIt_AndActiveFiltersOpenIt()
    {
        var cut = Render<TimelineFilters>(p => p.Add(x => x.Criteria, Plain));
        cut.FindAll("input").ShouldBeEmpty();
        cut.FindAll("[data-testid=apply-filters]").ShouldBeEmpty();

        cut.Find(".mud-expand-panel-header").Click();
        cut.FindAll("input").Count.ShouldBeGreaterThan(4);
        cut.Find("[data-testid=apply-filters]");

        // Another page of the same view keeps a panel the user opened open.
        cut.Render(p => p.Add(x => x.Criteria, Plain with { PageSize = 25 }));
        cut.FindAll("[data-testid=apply-filters]").Count.ShouldBe(1);

        var filtered = Render<TimelineFilters>(p => p.Add(x => x.Criteria, Plain with { Action = "trade.executed" }));
        filtered.FindAll("[data-testid=apply-filters]").Count.ShouldBe(1);
        filtered.Markup.ShouldContain("Filters (active)");
    }

    [Fact]
    public void SelectingARow_WhileTheFormIsOpen_KeepsWhatTheUserTyped()
    {
        TimelineCriteria? applied = null;
        var cut = Render<TimelineFilters>(p => p.Add(x => x.Criteria, Plain)
            .Add(x => x.OnApply, (TimelineCriteria c) => applied = c));
        cut.Find(".mud-expand-panel-header").Click();
        cut.Find("input").Input("trade.executed");

        // A row selected a moment earlier reaches the page's address: same query, new view state.
        cut.Render(p => p.Add(x => x.Criteria, Plain with { Event = 3 }));
        cut.Find("[data-testid=apply-filters]").Click();

        applied.ShouldNotBeNull();
        applied.Action.ShouldBe("trade.executed");
    }
}

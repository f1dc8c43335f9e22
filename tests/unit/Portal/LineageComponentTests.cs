using AuditPortal.Data.Lineage;
using AuditPortal.Data.Timeline;
using AuditPortal.Portal;
using AuditPortal.Portal.Lineage;
using AuditPortal.Portal.Timeline;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Bunit;

namespace AuditPortal.Tests.Portal;

/// <summary>
/// The lineage components in bUnit: the tree links every input to its timeline, marks corrected and missing inputs
/// in place, expands and collapses through the URL; the graph's data has the same nodes; the timeline marks a stale output.
/// </summary>
public sealed class LineageComponentTests : PortalComponentTest
{
    private static readonly DateTime T0 = new(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);
    private static readonly Guid Form = Guid.Parse("0190a000-0000-7000-8000-000000000010");
    private static readonly Guid TradeA = Guid.Parse("0190a000-0000-7000-8000-000000000001");
    private static readonly Guid Derived = Guid.Parse("0190a000-0000-7000-8000-000000000002");
    private static readonly Guid Missing = Guid.Parse("0190a000-0000-7000-8000-000000000099");
    private static readonly Guid Fix = Guid.Parse("0190a000-0000-7000-8000-000000000011");
    private static readonly Guid Leaf = Guid.Parse("0190a000-0000-7000-8000-000000000000");

    private static LineageNode Node(Guid id, long seq, string stream, string action, LineageRule? rule = null) =>
        new(id, seq, new StreamKey(stream.Split('/')[0], stream[(stream.IndexOf('/') + 1)..]), seq, T0, T0.AddSeconds(1), "svc:test", action,
            action + " summary", null, rule);

    private static LineageView View(IReadOnlyList<Guid> expand)
    {
        var output = Node(Form, 10, "tax_form/acc-1/2024", "tax_form.issued", new LineageRule("tax.1099-B", "2024.1", 3));
        var derived = Node(Derived, 2, "account/acc-1", "cash.dividend_paid", new LineageRule("custody.dividend-entitlement", "1", 1));
        var root = new BackwardLineage(output, [
            new LineageInput(1, TradeA, Node(TradeA, 1, "account/acc-1", "trade.executed"), [Node(Fix, 11, "account/acc-1", "trade.corrected")], []),
            new LineageInput(2, Derived, derived, [], []),
            new LineageInput(3, Missing, null, [], [ReferenceCheck.DanglingLineageInput(10, output.Stream, 10, Missing)]),
        ]);
        var expanded = new Dictionary<Guid, BackwardLineage>();
        if (expand.Contains(Derived))
            expanded[Derived] = new BackwardLineage(derived, [new LineageInput(1, Leaf, Node(Leaf, 1, "instrument/US1", "instrument.dividend_declared"), [], [])]);
        return new LineageView(root, expanded, expand);
    }

    [Fact]
    public void Table_LinksInputsToTimelines_MarksCorrectedAndMissing_ExpandsByUrl()
    {
        var cut = Render<LineageTable>(p => p.Add(x => x.View, View([])));

        cut.FindAll("[data-testid=lineage-row]").Select(r => r.GetAttribute("data-event")).ShouldBe([TradeA.ToString(), Derived.ToString(), Missing.ToString()]);
        cut.FindAll("[data-testid=input-timeline-link]").Select(a => a.GetAttribute("href"))
            .ShouldBe([PortalUrls.TimelineEvent("account", "acc-1", 1), PortalUrls.TimelineEvent("account", "acc-1", 2)]);
        cut.FindAll("[data-testid=input-corrected]").Count.ShouldBe(1);
        cut.Find("[data-testid=input-finding]").TextContent.ShouldBe(nameof(FindingKind.DanglingLineageInput));
        cut.Markup.ShouldContain("not in the ledger");
        cut.Find("[data-testid=expand]").GetAttribute("href").ShouldBe(PortalUrls.Lineage(Form, [Derived]));

        var expanded = Render<LineageTable>(p => p.Add(x => x.View, View([Derived])));
        var rows = expanded.FindAll("[data-testid=lineage-row]");
        rows.Select(r => (r.GetAttribute("data-event"), r.GetAttribute("aria-level")))
            .ShouldBe([(TradeA.ToString(), "1"), (Derived.ToString(), "1"), (Leaf.ToString(), "2"), (Missing.ToString(), "1")]);
        expanded.Find("[data-testid=collapse]").GetAttribute("href").ShouldBe(PortalUrls.Lineage(Form));
    }

    [Fact]
    public void GraphData_SameNodesAsTheTable_EdgesToTheirOutputs()
    {
        var graph = LineageGraphData.From(View([Derived]));

        graph.Nodes.Select(n => (n.Id, n.Kind)).OrderBy(n => n.Id).ShouldBe([
            (Leaf.ToString(), "input"), (TradeA.ToString(), "stale"), (Derived.ToString(), "derived"), (Form.ToString(), "output"), (Missing.ToString(), "missing")]);
        graph.Edges.ShouldContain(new GraphEdge(Leaf.ToString(), Derived.ToString()));
        graph.Edges.Count.ShouldBe(4);
        graph.Nodes.Single(n => n.Id == TradeA.ToString()).Url.ShouldBe(PortalUrls.TimelineEvent("account", "acc-1", 1));
    }

    [Fact]
    public void TimelineGrid_StaleOutput_BadgeLinksToItsLineage()
    {
        var stream = new StreamKey("tax_form", "acc-1/2024");
        var item = new TimelineItem(10, 1, Form, T0, T0, "svc:tax-engine", "tax_form.issued", null, 1, "form", "{}", null, [],
            new LedgerLineage([TradeA], "tax.1099-B", "2024.1"), false);
        var view = new TimelineView(TimelineCriteria.For(stream), new TimelinePage(stream, [item], 1, new MatchCount(1, true), null),
            [new TimelineRow(item, [])], new Dictionary<Guid, TimelineRow>(), null,
            new Dictionary<long, IReadOnlyList<LineageNode>> { [10] = [Node(Fix, 11, "account/acc-1", "trade.corrected")] });

        var cut = Render<TimelineGrid>(p => p.Add(x => x.View, view).Add(x => x.OnSelect, (long? _) => { }));

        cut.Find("[data-testid=stale-badge]").TextContent.ShouldBe("stale output");
        var link = cut.Find("[data-testid=stale-link]");
        link.GetAttribute("href").ShouldBe(PortalUrls.Lineage(Form));
        link.TextContent.ShouldContain("account/acc-1 #11");
    }

    [Fact]
    public void EventDetails_DerivedEvent_LinksToItsLineageAndImpact_PlainEventToImpactOnly()
    {
        var stream = new StreamKey("tax_form", "acc-1/2024");
        TimelineRow Row(LedgerLineage? lineage) =>
            new(new TimelineItem(10, 1, Form, T0, T0, "svc:tax-engine", "tax_form.issued", null, 1, "form", "{}", null, [], lineage, false), []);

        var derived = Render<EventDetails>(p => p.Add(x => x.Row, Row(new LedgerLineage([TradeA], "tax.1099-B", "2024.1"))).Add(x => x.Stream, stream));
        derived.Find("[data-testid=lineage-link]").GetAttribute("href").ShouldBe(PortalUrls.Lineage(Form));
        derived.Find("[data-testid=impact-link]").GetAttribute("href").ShouldBe(PortalUrls.LineageImpact(Form));

        var plain = Render<EventDetails>(p => p.Add(x => x.Row, Row(null)).Add(x => x.Stream, stream));
        plain.FindAll("[data-testid=lineage-link]").ShouldBeEmpty();
        plain.Find("[data-testid=impact-link]").GetAttribute("href").ShouldBe(PortalUrls.LineageImpact(Form));
    }
}

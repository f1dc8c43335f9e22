using AuditPortal.Data.Replica;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;
using Bunit;

namespace AuditPortal.Tests.Portal;

public sealed class LedgerDashboardTests : PortalComponentTest
{
    private static readonly DateTime CheckpointTime = new(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);

    private static DashboardModel Model(GatewayResult<DashboardView> ledger, IReadOnlyList<AccessLogItem>? recent = null) =>
        new(ledger, recent ?? []);

    private static GatewayResult<DashboardView> Ok(DashboardView view) => new(GatewayStatus.Ok, view, null, 1);

    private static DashboardView View(SignatureCheck signature = SignatureCheck.Valid, ReplicaLag? lag = null) => new(
        new LedgerHead(200_000, new string('a', 64)),
        new CheckpointStatus(199_000, CheckpointTime, new string('b', 64), new string('c', 64), signature, null),
        lag ?? new ReplicaLag(true, 0, TimeSpan.FromSeconds(2)), []);

    private static AccessLogItem Item(long seq, string kind, string? purpose, AccessLogOutcome outcome, long? rows) => new()
    {
        Seq = seq,
        EventId = Guid.NewGuid(),
        RequestId = "r" + seq,
        SubjectId = "auditor1",
        DisplayName = "Auditor One",
        Kind = kind,
        Parameters = new JsonObject(),
        Roles = ["auditor"],
        Purpose = purpose,
        RequestedAt = CheckpointTime,
        RecordedAt = CheckpointTime,
        Completion = new AccessLogResult(Guid.NewGuid(), seq + 1, outcome, rows, null, 3, CheckpointTime, CheckpointTime),
    };

    private Task<Rendered> RenderAsync(DashboardModel model) => Task.FromResult(new Rendered(Render<LedgerDashboard>(p => p.Add(c => c.Model, model))));

    /// <summary>The rendered dashboard, queried by CSS selector.</summary>
    private sealed class Rendered(IRenderedComponent<LedgerDashboard> cut)
    {
        public AngleSharp.Dom.IElement? QuerySelector(string selector) => cut.FindAll(selector).FirstOrDefault();

        public IReadOnlyList<AngleSharp.Dom.IElement> QuerySelectorAll(string selector) => cut.FindAll(selector);
    }

    [Fact]
    public async Task Render_Ok_ShowsHeadCheckpointSignatureAndCurrentReplica()
    {
        var doc = await RenderAsync(Model(Ok(View())));

        doc.QuerySelector("[data-testid=head-size]")!.TextContent.ShouldBe("200,000 events");
        doc.QuerySelector("[data-testid=head-hash]")!.TextContent.ShouldBe(new string('a', 64));
        doc.QuerySelector("[data-testid=checkpoint]")!.TextContent.ShouldContain("size 199,000");
        doc.QuerySelector("[data-testid=checkpoint]")!.TextContent.ShouldContain("2024-03-01 09:30:00 UTC");
        doc.QuerySelector("[data-testid=checkpoint-signature]")!.TextContent.ShouldBe("signature verifies");
        doc.QuerySelector("[data-testid=replica-lag]")!.TextContent.ShouldStartWith("replica is current");
    }

    [Fact]
    public async Task Render_BadSignatureAndLag_SaysSo()
    {
        var doc = await RenderAsync(Model(Ok(View(SignatureCheck.Invalid, new ReplicaLag(true, 123_456, TimeSpan.FromSeconds(5))))));

        doc.QuerySelector("[data-testid=checkpoint-signature]")!.TextContent.ShouldBe("signature does NOT verify");
        doc.QuerySelector("[data-testid=checkpoint-signature]")!.ClassList.ShouldContain("mud-chip-color-error");
        doc.QuerySelector("[data-testid=replica-lag]")!.TextContent.ShouldStartWith("123,456 bytes behind");
    }

    [Fact]
    public async Task Render_ReplicaUnavailable_Shows503MessageAndNoLedgerFacts()
    {
        var failed = new GatewayResult<DashboardView>(GatewayStatus.ReplicaUnavailable, null, QueryGateway.ReplicaUnavailableMessage, 7);

        var doc = await RenderAsync(Model(failed));

        doc.QuerySelector("[data-testid=status-503]")!.TextContent.ShouldContain("ledger replica is not reachable");
        doc.QuerySelector("[data-testid=ledger-dashboard]").ShouldBeNull();
    }

    [Fact]
    public async Task Render_RecentQueries_ListsOwnQueriesWithOutcome()
    {
        var recent = new[]
        {
            Item(12, "stream.read", "case 4711 review", AccessLogOutcome.Completed, 3),
            Item(10, "dashboard.read", null, AccessLogOutcome.Failed, null),
        };

        var doc = await RenderAsync(Model(Ok(View()), recent));

        var rows = doc.QuerySelectorAll("[data-testid=recent-queries] tbody tr");
        rows.Count.ShouldBe(2);
        rows[0].TextContent.ShouldContain("stream.read");
        rows[0].TextContent.ShouldContain("case 4711 review");
        rows[0].TextContent.ShouldContain("completed");
        rows[1].TextContent.ShouldContain("failed");
    }

    [Fact]
    public void RecentQueries_AreMarkupInMudTablesLook_NotAComponentPerCell()
    {
        var recent = Enumerable.Range(1, 10).Select(i => Item(i, "stream.read", null, AccessLogOutcome.Completed, i)).ToList();
        var none = Render<LedgerDashboard>(p => p.Add(c => c.Model, Model(Ok(View()), [])))
            .FindComponents<Microsoft.AspNetCore.Components.IComponent>().Count;

        var cut = Render<LedgerDashboard>(p => p.Add(c => c.Model, Model(Ok(View()), recent)));

        cut.FindAll("[data-testid=recent-queries] tbody tr.mud-table-row td[data-label=Outcome]").Count.ShouldBe(10);
        cut.Find("[data-testid=recent-queries] .mud-table").ClassList.ShouldContain("mud-sm-table", "rows become cards on a phone");
        var added = cut.FindComponents<Microsoft.AspNetCore.Components.IComponent>().Count - none;
        added.ShouldBeLessThanOrEqualTo(1, $"ten rows added {added} components (the 'None yet.' text is one)");
    }
}

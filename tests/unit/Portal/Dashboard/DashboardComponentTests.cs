using AuditPortal.Data.Reading;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Verification;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Bunit;

namespace AuditPortal.Tests.Portal.Dashboard;

public sealed class DashboardComponentTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void GrowthChart_Data_DrawsBothSeriesAndListsTheFigures()
    {
        var series = GrowthSeries.Build([new LedgerGrowthPoint(300, T0), new LedgerGrowthPoint(600, T0.AddHours(1))],
            [new VerifiedHead(T0.AddMinutes(30), 300, "h", null, 0)], buckets: 2);

        var cut = Render<LedgerGrowthChart>(p => p.Add(c => c.Series, series));

        cut.FindAll("[data-testid=growth-chart] svg").ShouldNotBeEmpty("MudChart draws an SVG");
        cut.Markup.ShouldContain("Ledger size (events)");
        cut.Markup.ShouldContain("Verified head (seq)");
        var rows = cut.FindAll("[data-testid=growth-table] tbody tr");
        rows.Select(r => r.TextContent).ShouldBe(["2026-01-01 00:30300300", "2026-01-01 01:00600300"]);
    }

    [Fact]
    public void GrowthChart_Empty_SaysSo()
    {
        var cut = Render<LedgerGrowthChart>(p => p.Add(c => c.Series, GrowthSeries.Build([], [])));

        cut.Find("[data-testid=growth-chart]").TextContent.ShouldContain("No events and no verification passes yet.");
        cut.FindAll("svg").ShouldBeEmpty();
    }

    [Fact]
    public void VerificationCard_OpenFindings_RenderedByTheFindingTable()
    {
        var run = Guid.CreateVersion7();
        var finding = new RecordedFinding(run, 1, new Finding(FindingKind.GlobalSequenceGap, 322, null, null, "321", "323", "seq 322 is missing"), T0);
        var status = new VerificationStatus(new VerifiedHead(T0, 600, "h", run, 1), null, 7, [finding], null, []);

        var cut = Render<VerificationStatusCard>(p => p.Add(c => c.Status, status));

        cut.Find("[data-testid=open-findings] strong").TextContent.ShouldBe("7 open findings");
        cut.Find("[data-testid=open-finding-list] [data-testid=findings] td[data-kind=GlobalSequenceGap][data-seq='322']");
        cut.Find($"[data-testid=open-finding-list] a[href='/verification/runs/{run:D}']");
        cut.Find("[data-testid=more-findings]").TextContent.ShouldContain("6 more");
        cut.Find("[data-testid=verified-head]").TextContent.ShouldStartWith("seq 600");
    }

    [Fact]
    public void VerificationCard_Clean_NoAlert()
    {
        var status = new VerificationStatus(new VerifiedHead(T0, 600, "h", null, 0), null, 0, [], null, []);

        var cut = Render<VerificationStatusCard>(p => p.Add(c => c.Status, status));

        cut.FindAll("[data-testid=open-findings]").ShouldBeEmpty();
        cut.Find("[data-testid=open-finding-count]").TextContent.ShouldBe("0");
    }
}

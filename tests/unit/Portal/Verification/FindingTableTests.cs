using AuditPortal.Portal.Verification;
using AuditPortal.Verification.Verifying;
using Bunit;

namespace AuditPortal.Tests.Portal.Verification;

public sealed class FindingTableTests : PortalComponentTest
{
    private static FindingView View(int ordinal, long? seq, string? stream = "account/acc-000001") =>
        new(ordinal, nameof(FindingKind.HashMismatch), seq, stream, 4, new string('a', 64), new string('b', 64), "the row was changed",
            DateTimeOffset.UnixEpoch, stream is null ? null : "/timeline/account/acc-000001?seq=" + seq);

    [Fact]
    public void Render_Findings_OneRowEachWithKindSeqAndLinkToTheEvent()
    {
        var cut = Render<FindingTable>(p => p.Add(t => t.Items, [View(1, 123), View(2, 322, stream: null)]));

        var cells = cut.FindAll("[data-testid=findings] td[data-kind]");
        cells.Select(c => (c.GetAttribute("data-ordinal"), c.GetAttribute("data-kind"), c.GetAttribute("data-seq")))
            .ShouldBe([("1", "HashMismatch", "123"), ("2", "HashMismatch", "322")]);
        cut.Find("a[href='/timeline/account/acc-000001?seq=123']").TextContent.ShouldBe("account/acc-000001 #4");
        cut.Markup.ShouldContain(new string('a', 64));
        cut.Markup.ShouldContain("the row was changed");
    }

    [Fact]
    public void Render_Brief_LeavesOutValuesAndLinksTheRun()
    {
        var run = Guid.CreateVersion7();
        var cut = Render<FindingTable>(p => p
            .Add(t => t.Items, [View(1, 123) with { RunId = run }])
            .Add(t => t.Brief, true)
            .Add(t => t.ShowRun, true));

        cut.Markup.ShouldNotContain(new string('a', 64));
        cut.Find($"a[href='/verification/runs/{run:D}']").TextContent.ShouldBe("details");
    }

    [Fact]
    public void Render_None_SaysSo()
    {
        var cut = Render<FindingTable>(p => p.Add(t => t.Items, []).Add(t => t.Empty, "No findings so far."));

        cut.Find("[data-testid=no-findings]").TextContent.ShouldBe("No findings so far.");
    }

    [Fact]
    public void Render_HostileStream_IsTextNotMarkup()
    {
        var cut = Render<FindingTable>(p => p.Add(t => t.Items, [View(1, 5, stream: "a\u202eb/<script>x</script>") with { TimelineUrl = null }]));

        cut.FindAll("script").ShouldBeEmpty();
        cut.Find("td[data-label=Stream] span").TextContent.ShouldBe("a\u202eb/<script>x</script>");
    }
}

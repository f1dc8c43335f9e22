using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Verification;
using Bunit;

namespace AuditPortal.Tests.Portal.Verification;

public sealed class RunProgressPanelTests : PortalComponentTest
{
    private static RunView Running(long rows, double rate, long? total, double? eta) =>
        new(new RunSnapshot(RunViewTests.Run(), true, [], new RunProgress(rows, rate, rows, 0, total, eta), null));

    private string Field(IRenderedComponent<RunProgressPanel> cut, string name) => cut.Find($"[data-field={name}]").TextContent.Trim();

    [Fact]
    public void Render_RunOfKnownSize_RowsOfTotalRateEtaAndPercent()
    {
        var cut = Render<RunProgressPanel>(p => p.Add(c => c.View, Running(250_000, 48_210.7, 1_000_000, 15.6)));

        Field(cut, "rows").ShouldBe("250,000 of 1,000,000");
        Field(cut, "rate").ShouldBe("48,210");
        Field(cut, "eta").ShouldBe("16 s");
        cut.Find("[data-testid=progress-bar]").GetAttribute("data-percent").ShouldBe("25.0");
    }

    [Fact]
    public void Render_Finished_NoEtaAndTheRoot()
    {
        var view = Running(600, 100, 600, 0);
        view.Apply(new RunDone(RunStatus.Completed, new RunOutcome(RunStatus.Completed, DateTimeOffset.UnixEpoch, 600, 99, 600, "h", new string('c', 64), 0)));

        var cut = Render<RunProgressPanel>(p => p.Add(c => c.View, view));

        Field(cut, "eta").ShouldBe("–");
        Field(cut, "rows").ShouldBe("600");
        Field(cut, "root").ShouldBe(new string('c', 64));
    }

    [Theory]
    [InlineData(0.2, "1 s")]
    [InlineData(59, "59 s")]
    [InlineData(65, "1 min 05 s")]
    [InlineData(7384, "2 h 03 min")]
    public void FormatSeconds_ReadsAsDuration(double seconds, string expected) =>
        RunProgressPanel.FormatSeconds(seconds).ShouldBe(expected);
}

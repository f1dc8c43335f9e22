using AuditPortal.Data.Reading;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Dashboard;

namespace AuditPortal.Tests.Portal.Dashboard;

public sealed class GrowthSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static LedgerGrowthPoint Size(long seq, int minutes) => new(seq, T0.AddMinutes(minutes));

    private static VerifiedHead Pass(long seq, int minutes) => new(T0.AddMinutes(minutes), seq, "h", null, 0);

    [Fact]
    public void Build_NoData_Empty() => GrowthSeries.Build([], []).IsEmpty.ShouldBeTrue();

    [Fact]
    public void Build_SizeAndVerifiedHead_AtTheEndOfEachInterval()
    {
        var series = GrowthSeries.Build([Size(100, 0), Size(200, 10), Size(400, 20), Size(800, 40)], [Pass(200, 15), Pass(800, 40)], buckets: 4);

        series.Times.ShouldBe([T0.AddMinutes(10), T0.AddMinutes(20), T0.AddMinutes(30), T0.AddMinutes(40)]);
        series.LedgerSize.ShouldBe([200d, 400, 400, 800]);
        series.VerifiedHead.ShouldBe([0d, 200, 200, 800]);
    }

    [Fact]
    public void Build_RecordingTimesOutOfSeqOrder_SizeIsTheLargestSeqRecordedSoFar()
    {
        var series = GrowthSeries.Build([Size(100, 5), Size(150, 2), Size(300, 10)], [], buckets: 2);

        series.LedgerSize.ShouldBe([150d, 300]);
    }
}

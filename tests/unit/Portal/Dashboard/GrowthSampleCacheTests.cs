using AuditPortal.Data.Reading;
using AuditPortal.Portal.Dashboard;

namespace AuditPortal.Tests.Portal.Dashboard;

public class GrowthSampleCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);

    private static Func<Task<IReadOnlyList<LedgerGrowthPoint>>> Reader(long size, List<long> reads) => () =>
    {
        reads.Add(size);
        return Task.FromResult<IReadOnlyList<LedgerGrowthPoint>>([new(size / 2, T0), new(size, T0.AddHours(1))]);
    };

    [Fact]
    public async Task SameCheckpoint_ReadsOnce()
    {
        var cache = new GrowthSampleCache();
        var reads = new List<long>();
        var key = new GrowthSampleCache.Key(600, "root-a");

        var first = await cache.GetAsync(key, Reader(600, reads));
        var second = await cache.GetAsync(key with { }, Reader(600, reads));

        second.ShouldBeSameAs(first);
        reads.ShouldBe([600]);
        cache.Reads.ShouldBe(1);
    }

    [Fact]
    public async Task LedgerMoved_NewCheckpointOrOtherRoot_ReadsAgain()
    {
        var cache = new GrowthSampleCache();
        var reads = new List<long>();
        await cache.GetAsync(new(600, "root-a"), Reader(600, reads));

        var moved = await cache.GetAsync(new(900, "root-b"), Reader(900, reads));
        moved[^1].Seq.ShouldBe(900, "a new checkpoint's samples run to its size");
        await cache.GetAsync(new(900, "root-c"), Reader(900, reads));   // same size, another root: not the same ledger

        reads.ShouldBe([600, 900, 900]);
        cache.Reads.ShouldBe(3);
    }
}

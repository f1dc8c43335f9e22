using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Projections;
using AuditPortal.Verification.Ledger;
using static AuditPortal.Tests.Data.Timeline.TimelineLedgerFixture;

namespace AuditPortal.Tests.Data.Timeline;

/// <summary>
/// The as-of cache against the real ledger: a cached state equals a full replay at every point (corrections known or
/// not yet, late arrivals inside and outside T and K), a second viewer is answered without a replay, and an event
/// appended after a state was cached — even one recorded before that state's K — is never answered from the old entry.
/// A class fixture of its own: these tests append to the ledger.
/// </summary>
public sealed class AsOfStateCacheDatabaseTests(TimelineLedgerFixture ledger) : IClassFixture<TimelineLedgerFixture>
{
    private static readonly StreamKey AccountStream = new("account", Account);
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(Base.AddDays(1)));

    /// <summary>Business times around the late trade (30 days back), the trades and after; system times before, between and after the late trade and the correction.</summary>
    private static readonly DateTimeOffset[] Ts = [new(Base.AddDays(-40)), new(Base.AddDays(-10)), new(RecordedAt(5)), new(RecordedAt(18)), new(Base.AddDays(1))];
    private static readonly DateTimeOffset[] Ks = [new(RecordedAt(2)), new(RecordedAt(10)), new(RecordedAt(17)), new(RecordedAt(18)), new(RecordedAt(19)), new(Base.AddDays(1))];

    private async Task<AsOfState> ReplayAsync(AsOfStateCache? cache, DateTimeOffset t, DateTimeOffset k)
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        return await new AsOfReplay(ProjectionCatalog.Demo, Clock) { Cache = cache }.ReplayAsync(session.Connection, session.Transaction, AccountStream, t, k);
    }

    private static void ShouldBeTheSame(AsOfState actual, AsOfState expected)
    {
        actual.Json.ShouldBe(expected.Json);
        actual.Applied.ShouldBe(expected.Applied);
        actual.Excluded.ShouldBe(expected.Excluded);
        (actual.BusinessTime, actual.SystemTime, actual.ProjectionVersion).ShouldBe((expected.BusinessTime, expected.SystemTime, expected.ProjectionVersion));
    }

    [Fact]
    public async Task EveryPoint_CachedEqualsFullReplay_AndASecondViewerIsAnsweredWithoutReplaying()
    {
        var cache = new AsOfStateCache(Clock);
        var points = Ts.SelectMany(t => Ks.Select(k => (t, k))).ToList();

        foreach (var (t, k) in points)
            ShouldBeTheSame(await ReplayAsync(cache, t, k), await ReplayAsync(null, t, k));
        cache.Replays.ShouldBe(points.Count);
        cache.Hits.ShouldBe(0);

        foreach (var (t, k) in points)
            ShouldBeTheSame(await ReplayAsync(cache, t, k), await ReplayAsync(null, t, k));
        cache.Replays.ShouldBe(points.Count, "the second viewer of each point replays nothing");
        cache.Hits.ShouldBe(points.Count);
        // The points cover both sides of the correction and of the late arrival.
        (await ReplayAsync(cache, Ts[^1], Ks[2])).Excluded.Select(x => x.Reason).ShouldContain(ExcludedReason.RecordedAfterK);
        (await ReplayAsync(cache, Ts[^1], Ks[^1])).Applied.ShouldContain(a => a.Reason == AppliedReason.AppliedAsCorrection);
    }

    [Fact]
    public async Task AnEventAppendedLater_EvenRecordedBeforeTheCachedK_IsNeverAnsweredFromTheOldEntry()
    {
        var cache = new AsOfStateCache(Clock);
        var t = new DateTimeOffset(Base.AddDays(1));
        var k = new DateTimeOffset(Base.AddDays(1));
        var before = await ReplayAsync(cache, t, k);
        ShouldBeTheSame(await ReplayAsync(cache, t, k), before);
        cache.Hits.ShouldBe(1);

        // A late arrival (business time 20 days back) and a correction of trade 3, both recorded before K.
        var late = ledger.Ev("account", Account, "svc:custody-feed", "trade.executed", Trade(77, "OTC"));
        var corrected = Trade(3, "XNYS");
        corrected["quantity"] = "12";
        corrected["amount"] = "120.00";
        await ledger.AppendAsync([
            ("late-77", late with { OccurredAt = late.RecordedAt!.Value.AddDays(-20) }),
            ("correction-3", ledger.Ev("account", Account, "ops.jdoe", "trade.corrected", corrected) with { Supersedes = ledger.Ids["trade-3"] }),
        ]);

        var after = await ReplayAsync(cache, t, k);
        ShouldBeTheSame(after, await ReplayAsync(null, t, k));
        after.Json.ShouldNotBe(before.Json);
        after.Applied.ShouldContain(a => a.EventId == ledger.Ids["late-77"]);
        after.Excluded.ShouldContain(x => x.EventId == ledger.Ids["trade-3"] && x.Reason == ExcludedReason.Superseded);
        // Every earlier point, too, is replayed afresh and equals a full replay.
        foreach (var (pt, pk) in Ts.SelectMany(x => Ks.Select(y => (x, y))))
            ShouldBeTheSame(await ReplayAsync(cache, pt, pk), await ReplayAsync(null, pt, pk));
    }
}

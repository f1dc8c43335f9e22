using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Projections;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.Timeline;

/// <summary>The as-of cache's own rules, without a database: its bound, recency, lifetime and one replay per key at a time.</summary>
public sealed class AsOfStateCacheTests
{
    private static readonly StreamKey Stream = new("account", "acc-000001");
    private static readonly DateTime T = new(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc);

    private static AsOfState State(int events, string json = "{}") =>
        new(Stream, T, T, false, json, "account/1",
            Enumerable.Range(1, events).Select(i => new AppliedEvent(Guid.NewGuid(), i, i, "a", T, T, AppliedReason.Applied, null)).ToList(), []);

    private static Task<AsOfState> Get(AsOfStateCache cache, long head, AsOfState state, DateTime? k = null) =>
        cache.GetOrReplayAsync(Stream, head, T, k ?? T, "account/1", _ => Task.FromResult(state), CancellationToken.None);

    [Fact]
    public async Task SameKey_IsAHit_AnotherHead_T_K_OrProjection_IsNot()
    {
        var cache = new AsOfStateCache(new FakeTimeProvider());
        var first = State(3, """{"n":1}""");
        (await Get(cache, 3, first)).ShouldBeSameAs(first);
        (await Get(cache, 3, State(3))).ShouldBeSameAs(first);
        (await Get(cache, 4, State(4))).ShouldNotBeSameAs(first);
        (await Get(cache, 3, State(3), k: T.AddTicks(10))).ShouldNotBeSameAs(first);
        (await cache.GetOrReplayAsync(Stream, 3, T, T, "account/2", _ => Task.FromResult(State(3)), CancellationToken.None)).ShouldNotBeSameAs(first);
        (await cache.GetOrReplayAsync(new StreamKey("account", "acc-000002"), 3, T, T, "account/1", _ => Task.FromResult(State(3)), CancellationToken.None))
            .ShouldNotBeSameAs(first);
        (cache.Hits, cache.Replays).ShouldBe((1, 5));
    }

    [Fact]
    public async Task Bounded_LeastRecentlyUsedGoesFirst_AndAnEntryOverAQuarterOfTheBudgetIsNotKept()
    {
        var cache = new AsOfStateCache(new FakeTimeProvider(), budget: 100);
        var a = await Get(cache, 1, State(20));
        var b = await Get(cache, 2, State(20));
        await Get(cache, 3, State(20));
        await Get(cache, 4, State(20));
        (await Get(cache, 1, State(20))).ShouldBeSameAs(a, "a is now the most recently used");
        await Get(cache, 5, State(25)); // 105 > 100: b, the least recently used, goes
        cache.Weight.ShouldBe(85);
        (await Get(cache, 2, State(20))).ShouldNotBeSameAs(b);
        (await Get(cache, 1, State(20))).ShouldBeSameAs(a);

        var heavy = State(26);
        await Get(cache, 6, heavy);
        (await Get(cache, 6, State(26))).ShouldNotBeSameAs(heavy, "over a quarter of the budget: replayed per request");
        cache.Weight.ShouldBeLessThanOrEqualTo(100);
    }

    [Fact]
    public async Task AnEntryLivesItsTimeToLive()
    {
        var clock = new FakeTimeProvider();
        var cache = new AsOfStateCache(clock);
        var first = await Get(cache, 1, State(1));
        clock.Advance(AsOfStateCache.TimeToLive - TimeSpan.FromSeconds(1));
        (await Get(cache, 1, State(1))).ShouldBeSameAs(first);
        clock.Advance(TimeSpan.FromSeconds(1));
        (await Get(cache, 1, State(1))).ShouldNotBeSameAs(first);
        cache.Weight.ShouldBe(1);
    }

    [Fact]
    public async Task ConcurrentRequestsForOneKey_ShareOneReplay()
    {
        var cache = new AsOfStateCache(new FakeTimeProvider());
        var gate = new TaskCompletionSource<AsOfState>();
        var replays = 0;
        Task<AsOfState> Replay(CancellationToken _)
        {
            Interlocked.Increment(ref replays);
            return gate.Task;
        }

        var first = cache.GetOrReplayAsync(Stream, 7, T, T, "account/1", Replay, CancellationToken.None);
        var second = cache.GetOrReplayAsync(Stream, 7, T, T, "account/1", Replay, CancellationToken.None);
        var state = State(7);
        gate.SetResult(state);

        (await first).ShouldBeSameAs(state);
        (await second).ShouldBeSameAs(state);
        replays.ShouldBe(1);
        cache.Hits.ShouldBe(1);
    }

    [Fact]
    public async Task WhenTheSharedReplayFails_AWaiterReplaysItself_AndNothingIsCached()
    {
        var cache = new AsOfStateCache(new FakeTimeProvider());
        var gate = new TaskCompletionSource<AsOfState>();
        var first = cache.GetOrReplayAsync(Stream, 7, T, T, "account/1", _ => gate.Task, CancellationToken.None);
        var own = State(7);
        var second = cache.GetOrReplayAsync(Stream, 7, T, T, "account/1", _ => Task.FromResult(own), CancellationToken.None);
        gate.SetException(new OperationCanceledException("the first request went away"));

        await Should.ThrowAsync<OperationCanceledException>(first);
        (await second).ShouldBeSameAs(own);
        cache.Weight.ShouldBe(0, "a waiter's own replay is not cached (a later request caches it)");
        cache.Replays.ShouldBe(2);
    }
}

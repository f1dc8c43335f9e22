using AuditPortal.Data.Timeline;
using AuditPortal.Portal.Timeline;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Portal;

/// <summary>The badge cache: one computation per (stream, head, checkpoint) however many pages wait, and a bounded lifetime.</summary>
public sealed class StreamProofCacheTests
{
    private static readonly StreamKey Stream = new("account", "acc-000001");
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static StreamProof Proof(long head) =>
        new(Stream, StreamProofStatus.NotCheckpointed, head, head * 10, head, null, null, null, null, [], head, []);

    [Fact]
    public async Task GetOrStart_ConcurrentPages_ShareOneComputation_ThenHitTheCache()
    {
        var cache = new StreamProofCache();
        var calls = 0;
        var gate = new TaskCompletionSource<StreamProof>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<StreamProof> Compute()
        {
            Interlocked.Increment(ref calls);
            return gate.Task;
        }

        var first = cache.GetOrStart(Stream, 5, 0, Now, Compute);
        var second = cache.GetOrStart(Stream, 5, 0, Now, Compute);
        first.IsCompleted.ShouldBeFalse();
        gate.SetResult(Proof(5));

        (await first).ShouldBeSameAs(await second);
        calls.ShouldBe(1);
        cache.TryGet(Stream, 5, 0, Now.AddMinutes(1))!.FromCache.ShouldBeTrue();
    }

    [Fact]
    public void TryGet_OtherHeadOrCheckpointOrExpired_Misses()
    {
        var cache = new StreamProofCache();
        cache.Put(Proof(5), Now);

        cache.TryGet(Stream, 5, 0, Now).ShouldNotBeNull();
        cache.TryGet(Stream, 6, 0, Now).ShouldBeNull();
        cache.TryGet(Stream, 5, 100, Now).ShouldBeNull();
        cache.TryGet(Stream, 5, 0, Now + StreamProofCache.TimeToLive).ShouldBeNull();
    }
}

using AuditPortal.Portal.Verification;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.Portal.Verification;

public sealed class RenderThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private int renders;

    private RenderThrottle Throttle(CancellationToken stop = default) => new(Interval, time, () =>
    {
        Interlocked.Increment(ref renders);
        return Task.CompletedTask;
    }, stop);

    [Fact]
    public void Request_First_RendersAtOnce()
    {
        Throttle().Request();

        renders.ShouldBe(1);
    }

    [Fact]
    public void Request_ManyWithinTheInterval_OneMoreRenderAtItsEnd()
    {
        var throttle = Throttle();
        throttle.Request();

        for (var i = 0; i < 1000; i++)
            throttle.Request();
        renders.ShouldBe(1, "the requests after a render wait for the interval");

        time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        renders.ShouldBe(1);
        time.Advance(TimeSpan.FromMilliseconds(1));
        renders.ShouldBe(2, "a thousand requests, one render");

        time.Advance(Interval * 4);
        renders.ShouldBe(2, "nothing requested since, nothing rendered");
    }

    [Fact]
    public void Request_AfterTheIntervalHasPassed_RendersAtOnce()
    {
        var throttle = Throttle();
        throttle.Request();
        time.Advance(Interval * 2);

        throttle.Request();

        renders.ShouldBe(2);
    }

    [Fact]
    public void Request_AfterStop_NeverRenders()
    {
        using var stop = new CancellationTokenSource();
        var throttle = Throttle(stop.Token);
        throttle.Request();
        throttle.Request(); // waits for the interval
        stop.Cancel();

        time.Advance(Interval * 2);
        throttle.Request();

        renders.ShouldBe(1);
    }
}

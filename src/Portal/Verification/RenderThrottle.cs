namespace AuditPortal.Portal.Verification;

/// <summary>
/// Coalesces render requests so a page that follows a fast run renders at most once per
/// <see cref="Interval"/> however many events arrive: the first request renders at once, requests during
/// the interval after a render are served by one render at its end, and nothing requested is dropped
/// (a request after the last render always leads to one more).
/// </summary>
/// <remarks>Thread-safe: events arrive on the run's threads, the render runs wherever <c>render</c> sends it
/// (the component's dispatcher, through <c>InvokeAsync</c>).</remarks>
public sealed class RenderThrottle(TimeSpan interval, TimeProvider time, Func<Task> render, CancellationToken stop)
{
    private readonly Lock gate = new();
    private bool scheduled;
    private DateTimeOffset lastRender = DateTimeOffset.MinValue;

    public TimeSpan Interval => interval;

    /// <summary>Renders now, or once the interval since the last render has passed.</summary>
    public void Request()
    {
        TimeSpan wait;
        lock (gate)
        {
            if (scheduled || stop.IsCancellationRequested)
                return;
            scheduled = true;
            var since = time.GetUtcNow() - lastRender;
            wait = since >= interval ? TimeSpan.Zero : interval - since;
        }
        _ = RenderAfterAsync(wait);
    }

    private async Task RenderAfterAsync(TimeSpan wait)
    {
        try
        {
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, time, stop);
            lock (gate)
            {
                // Cleared before the render reads the state: a request arriving during the render schedules the next one.
                scheduled = false;
                lastRender = time.GetUtcNow();
            }
            await render();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the page went away
        }
        catch (ObjectDisposedException) when (stop.IsCancellationRequested)
        {
            // the circuit's renderer went away with it
        }
    }
}

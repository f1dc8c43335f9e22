namespace AuditPortal.Tests.Infrastructure;

/// <summary>A clock that moves only when a test says so.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (this)
            return now;
    }

    public void Advance(TimeSpan by)
    {
        lock (this)
            now += by;
    }
}

namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>
/// Runs every rule over the access log incrementally: <see cref="Observe"/> takes each logged query once, in seq
/// order, and returns the flags it raised. No rule rescans: each keeps bounded state per user (a window, a day's
/// counts). Not thread-safe: one engine is fed by one loop.
/// </summary>
public sealed class AnomalyEngine
{
    public AnomalyEngine(AnomalyOptions options, Func<string, bool> isErased)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(isErased);
        options.Validate();
        Rules =
        [
            new OutsideWorkingHoursRule(options), new VolumeAboveBaselineRule(options), new DistinctStreamsRule(options),
            new UnmaskBurstRule(options), new MissingCaseRule(options), new RepeatedFailuresRule(options), new ErasedSubjectRule(options, isErased),
        ];
    }

    public IReadOnlyList<AnomalyRule> Rules { get; }

    /// <summary>The seq of the last entry observed (0 before the first); the next one must be greater.</summary>
    public long LastSeq { get; private set; }

    /// <exception cref="ArgumentException">The entry is not after the last one observed (it would be counted twice).</exception>
    public IReadOnlyList<AnomalyFlag> Observe(AccessObservation entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Seq <= LastSeq)
            throw new ArgumentException($"entries must arrive in seq order: got {entry.Seq} after {LastSeq}", nameof(entry));
        LastSeq = entry.Seq;
        List<AnomalyFlag>? flags = null;
        foreach (var rule in Rules)
        {
            if (rule.Observe(entry) is { } flag)
                (flags ??= []).Add(flag);
        }
        return flags ?? (IReadOnlyList<AnomalyFlag>)[];
    }
}

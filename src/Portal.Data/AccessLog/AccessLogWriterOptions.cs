using AuditPortal.Data.Appending;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Data.AccessLog;

/// <summary>How an <see cref="AccessLogWriter"/> batches, times out and checkpoints.</summary>
public sealed record AccessLogWriterOptions
{
    /// <summary>The deployment name; checkpoints carry the origin <c>access-log/&lt;Deployment&gt;</c>.</summary>
    public string Deployment { get; init; } = "demo";

    /// <summary>At most this many events are appended in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>At most this many events wait for the background loop; further callers wait for room (within <see cref="AppendTimeout"/>).</summary>
    public int QueueCapacity { get; init; } = 4_096;

    /// <summary>
    /// How long a caller waits, queueing included, before it gets an <see cref="AccessLogUnavailableException"/>;
    /// also bounds each batch transaction.
    /// </summary>
    public TimeSpan AppendTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>See <see cref="AppenderOptions.CheckpointEveryEvents"/>.</summary>
    public int CheckpointEveryEvents { get; init; } = 10_000;

    /// <summary>See <see cref="AppenderOptions.CheckpointEverySeconds"/>.</summary>
    public int CheckpointEverySeconds { get; init; } = 60;

    /// <summary>The access log's own checkpoint key (not the ledger's); without it no checkpoints are made.</summary>
    public CheckpointSigner? Signer { get; init; }

    /// <summary>The access log's own witness directory; optional.</summary>
    public WitnessDirectory? Witness { get; init; }

    internal AppenderOptions ToAppenderOptions() => new()
    {
        Origin = AccessLogEvents.Origin(Deployment),
        CheckpointEveryEvents = CheckpointEveryEvents,
        CheckpointEverySeconds = CheckpointEverySeconds,
        Signer = Signer,
        Witness = Witness,
        // Outcome entries are committed Deferred (docs/access-log.md), so checkpoints wait for the WAL flush.
        AwaitWalFlushBeforeCheckpoint = true,
    };

    internal void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentException($"MaxBatchSize must be ≥ 1, got {MaxBatchSize}");
        if (QueueCapacity < 1)
            throw new ArgumentException($"QueueCapacity must be ≥ 1, got {QueueCapacity}");
        if (AppendTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"AppendTimeout must be positive, got {AppendTimeout}");
        if (AuditPortal.Verification.Checkpoints.CheckpointOrigin.DeploymentProblem(Deployment ?? "") is { } problem)
            throw new ArgumentException($"Deployment: {problem}");
    }
}

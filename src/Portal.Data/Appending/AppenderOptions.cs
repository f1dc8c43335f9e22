using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Data.Appending;

/// <summary>How a <see cref="LedgerAppender"/> checkpoints and encrypts.</summary>
public sealed record AppenderOptions
{
    /// <summary>A checkpoint is due once this many events were appended since the last one (K).</summary>
    public int CheckpointEveryEvents { get; init; } = 10_000;

    /// <summary>A checkpoint is due once this many seconds passed since the last one and new events exist (T).</summary>
    public int CheckpointEverySeconds { get; init; } = 60;

    /// <summary>The checkpoint origin line, e.g. <c>ledger/demo</c> or <c>access-log/demo</c>.</summary>
    public string Origin { get; init; } = "ledger/demo";

    /// <summary>Signs checkpoints; without a signer the appender makes no checkpoints.</summary>
    public CheckpointSigner? Signer { get; init; }

    /// <summary>Where every checkpoint is also recorded, outside the database; optional.</summary>
    public WitnessDirectory? Witness { get; init; }

    /// <summary>
    /// Before signing a checkpoint, wait until the WAL up to the head it covers is flushed to disk. Needed
    /// where batches are appended <see cref="AppendDurability.Deferred"/> (by this or another process):
    /// otherwise a crash could take back events a witnessed checkpoint already names, and the chain
    /// re-grown after it would fork from the witness. Costs at most a WAL-writer cycle per checkpoint
    /// (3 × <c>wal_writer_delay</c>), under the append lock.
    /// </summary>
    public bool AwaitWalFlushBeforeCheckpoint { get; init; }

    /// <summary>How long a checkpoint waits for that flush before it fails (and stays due).</summary>
    public TimeSpan WalFlushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// IVs for personal-data envelopes. Only for deterministic demo data: production leaves this
    /// null and gets 12 random bytes per envelope.
    /// </summary>
    public Func<byte[]>? IvSource { get; init; }

    /// <summary>
    /// Only for <c>ledger seed</c> into an empty ledger whose unique constraints
    /// <see cref="Schema.LedgerBulkLoad.DropIfEmptyAsync"/> dropped: the appender keeps the heads of the
    /// streams, the event ids and the idempotency-key fingerprints it wrote in memory instead of probing
    /// those indexes, writes batches in the order they are handed in (a caller may hand in the next one
    /// before the last completes), and stops with <see cref="InvalidOperationException"/> if anyone else
    /// appended meanwhile.
    /// </summary>
    public bool BulkLoad { get; init; }

    internal void Validate()
    {
        if (CheckpointEveryEvents < 1)
            throw new ArgumentException($"CheckpointEveryEvents must be ≥ 1, got {CheckpointEveryEvents}");
        if (CheckpointEverySeconds < 1)
            throw new ArgumentException($"CheckpointEverySeconds must be ≥ 1, got {CheckpointEverySeconds}");
        if (AuditPortal.Verification.Checkpoints.CheckpointOrigin.Problem(Origin ?? "") is { } problem)
            throw new ArgumentException($"Origin: {problem}");
    }
}

/// <summary>
/// Where an event of the batch ended up. <see cref="AlreadyPresent"/> is true when its idempotency
/// key was already in the ledger (or earlier in the same batch): nothing new was appended for it and
/// the ids are those of the event recorded first.
/// </summary>
public sealed record AppendedEvent(Guid EventId, long Seq, long StreamSeq, bool AlreadyPresent);

/// <summary>
/// The batch <em>was</em> appended and committed (see <see cref="Appended"/>), but making the
/// checkpoint that was due afterwards failed. The checkpoint stays due and is retried on the next
/// append or by <see cref="LedgerAppender.CreateCheckpointAsync"/>.
/// </summary>
public sealed class CheckpointFailedException(IReadOnlyList<AppendedEvent> appended, Exception inner)
    : Exception($"events were appended, but the checkpoint that was due failed: {inner.Message}", inner)
{
    public IReadOnlyList<AppendedEvent> Appended { get; } = appended;
}

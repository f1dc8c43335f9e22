namespace AuditPortal.Data.Appending;

/// <summary>When <see cref="LedgerAppender.AppendAsync(IReadOnlyList{NewEvent}, AppendDurability, CancellationToken)"/> returns relative to the WAL flush.</summary>
public enum AppendDurability
{
    /// <summary>The commit waits until its WAL is flushed to disk (the server's <c>synchronous_commit</c>): a crash cannot lose the batch.</summary>
    Flushed,

    /// <summary>
    /// The commit is visible at once but its WAL is flushed shortly after (<c>SET LOCAL synchronous_commit = off</c>;
    /// PostgreSQL's WAL writer flushes within 3 × <c>wal_writer_delay</c>). The transaction is just as atomic
    /// and takes its place in the chain under the same lock. Because WAL is one sequential log, a crash can
    /// only lose a tail of such commits — every later flushed commit (and every checkpoint) makes all
    /// earlier ones durable — so the chain never gets a hole, only a shorter head. A batch after which a
    /// checkpoint is due is committed <see cref="Flushed"/> anyway, and a checkpoint waits for the WAL
    /// it covers to be flushed before it is signed and witnessed, so no checkpoint can name a head a
    /// crash could take back. For the access log's outcome entries (docs/access-log.md).
    /// </summary>
    Deferred,
}

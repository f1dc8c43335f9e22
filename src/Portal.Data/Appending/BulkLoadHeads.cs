using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Appending;

/// <summary>
/// The stream heads a bulk-loading <see cref="LedgerAppender"/> has committed, kept in memory because
/// <see cref="Schema.LedgerBulkLoad"/> drops the stream-position index for the load, so probing it per
/// batch would scan the table.
/// </summary>
/// <remarks>
/// Valid only while nobody else appends: every batch, under the append lock, compares the ledger head
/// with the head this appender last committed (<see cref="EnsureNoOtherWriter"/>) and stops the load if
/// they differ. Batches are serialized by <see cref="BulkLoadTurns"/>. About 150 bytes per stream.
/// </remarks>
internal sealed class BulkLoadHeads
{
    private readonly Dictionary<StreamKey, (long Seq, byte[] Hash)> streams = [];

    /// <summary>The global head (seq) this appender last committed; 0 before the first batch (the ledger was empty).</summary>
    public long Head { get; private set; }

    public bool TryGet(StreamKey stream, out (long Seq, byte[] Hash) head) => streams.TryGetValue(stream, out head);

    /// <exception cref="InvalidOperationException">The ledger head is not the one this appender last wrote.</exception>
    public void EnsureNoOtherWriter(long ledgerHead)
    {
        if (ledgerHead != Head)
        {
            throw new InvalidOperationException(
                $"bulk load: the ledger head is seq {ledgerHead}, but this bulk load last wrote seq {Head}: another writer appended " +
                "during the load, so the stream heads held in memory are stale; nothing was appended. Load into an empty ledger " +
                "that nothing else writes to, or append without the bulk-load path.");
        }
    }

    /// <summary>Records a committed batch: its last seq and the new head of every stream it touched.</summary>
    public void Committed(long head, IReadOnlyDictionary<StreamKey, (long Seq, byte[] Hash)> touched)
    {
        foreach (var (stream, streamHead) in touched)
            streams[stream] = streamHead;
        Head = head;
    }
}

using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Appending;

/// <summary>
/// The heads a bulk-loading <see cref="LedgerAppender"/> has planned its batches from, kept in memory because
/// <see cref="Schema.LedgerBulkLoad"/> drops the stream-position index for the load, so probing it per
/// batch would scan the table.
/// </summary>
/// <remarks>
/// Planned, not yet committed: batch N+1 is planned while batch N is written (LedgerAppender.Bulk.cs).
/// Valid only while nobody else appends: every batch, under the append lock, compares the ledger head with
/// the head its plan started from (<see cref="EnsureNoOtherWriter"/>) and stops the load if they differ.
/// About 150 bytes per stream.
/// </remarks>
internal sealed class BulkLoadHeads
{
    private readonly Dictionary<StreamKey, (long Seq, byte[] Hash)> streams = [];

    /// <summary>The global head (seq) of the last batch planned; 0 before the first batch (the ledger was empty).</summary>
    public long Head { get; private set; }

    /// <summary>The leaf hash at <see cref="Head"/>: the next event's prev_hash.</summary>
    public byte[] HeadHash { get; private set; } = HashHex.Zero;

    public bool TryGet(StreamKey stream, out (long Seq, byte[] Hash) head) => streams.TryGetValue(stream, out head);

    /// <exception cref="InvalidOperationException">The ledger head is not where this load's previous batch ended.</exception>
    public static void EnsureNoOtherWriter(long ledgerHead, long expected)
    {
        if (ledgerHead != expected)
        {
            throw new InvalidOperationException(
                $"bulk load: the ledger head is seq {ledgerHead}, but this bulk load last wrote seq {expected}: another writer appended " +
                "during the load, so the stream heads held in memory are stale; nothing was appended. Load into an empty ledger " +
                "that nothing else writes to, or append without the bulk-load path.");
        }
    }

    /// <summary>Records a planned batch: its last seq and hash, and the new head of every stream it touched.</summary>
    public void Planned(long head, byte[] headHash, IReadOnlyDictionary<StreamKey, (long Seq, byte[] Hash)> touched)
    {
        foreach (var (stream, streamHead) in touched)
            streams[stream] = streamHead;
        Head = head;
        HeadHash = headHash;
    }
}

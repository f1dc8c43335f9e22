using System.Collections.Concurrent;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Appending;

/// <summary>
/// The sets and maps <see cref="LedgerAppender"/> builds per batch, kept for the next batch instead of
/// allocated anew.
/// </summary>
/// <remarks>
/// At seeding batch sizes (thousands of events) their arrays are large objects, and allocating a few
/// of them per batch made nearly every garbage collection of `ledger seed` a full (gen 2) one.
/// A small pool, not one instance per appender: batches of one appender are prepared and written
/// concurrently. Nothing here outlives the call that rented it.
/// </remarks>
internal sealed class BatchSets
{
    public HashSet<Guid> Ids { get; } = [];
    public HashSet<string> Subjects { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    public HashSet<StreamKey> Streams { get; } = [];
    public HashSet<Guid> ExistingIds { get; } = [];
    public HashSet<Guid> AppendedIds { get; } = [];
    public Dictionary<string, AppendedEvent> ExistingByKey { get; } = new(StringComparer.Ordinal);
    public Dictionary<StreamKey, (long Seq, byte[] Hash)> StreamHeads { get; } = [];

    /// <summary>A pool of cleared instances (one per batch in flight, in practice two or three).</summary>
    public sealed class Pool
    {
        private readonly ConcurrentBag<BatchSets> free = [];

        public BatchSets Rent() => free.TryTake(out var sets) ? sets : new BatchSets();

        public void Return(BatchSets sets)
        {
            // Clear keeps the capacity (the point) and drops the references (keys, hashes) for the GC.
            sets.Ids.Clear();
            sets.Subjects.Clear();
            sets.Keys.Clear();
            sets.Streams.Clear();
            sets.ExistingIds.Clear();
            sets.AppendedIds.Clear();
            sets.ExistingByKey.Clear();
            sets.StreamHeads.Clear();
            free.Add(sets);
        }
    }
}

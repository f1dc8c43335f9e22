namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>
/// The entries of one user within a time window, oldest first: each entry is added once and dropped once, so a
/// rule's work per entry is O(1) amortized however long the log is (no rescanning). Entries arrive in seq order;
/// their request times are nearly ordered, and an entry older than the newest by more than the window is dropped
/// on arrival.
/// </summary>
internal sealed class SlidingWindow<TKey>(TimeSpan length) where TKey : notnull
{
    private readonly Queue<(DateTime At, long Seq, TKey Key)> entries = new();
    private readonly Dictionary<TKey, int> counts = [];

    public int Count => entries.Count;

    /// <summary>Distinct keys in the window.</summary>
    public int DistinctKeys => counts.Count;

    public IReadOnlyList<long> Seqs => entries.Select(e => e.Seq).ToList();

    public void Add(DateTime at, long seq, TKey key)
    {
        entries.Enqueue((at, seq, key));
        counts[key] = counts.GetValueOrDefault(key) + 1;
        while (entries.Count > 0 && entries.Peek().At <= at - length)
        {
            var old = entries.Dequeue();
            if (--counts[old.Key] == 0)
                counts.Remove(old.Key);
        }
    }

    public void Clear()
    {
        entries.Clear();
        counts.Clear();
    }
}

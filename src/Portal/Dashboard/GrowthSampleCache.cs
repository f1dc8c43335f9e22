using AuditPortal.Data.Reading;

namespace AuditPortal.Portal.Dashboard;

/// <summary>
/// The dashboard chart's ledger-growth samples up to the latest checkpoint, read once per checkpoint instead of on
/// every view. The rows a checkpoint covers are signed and append-only, so their sampled recording times cannot
/// change while the checkpoint stays the latest; a new checkpoint (another size or root) misses and is read afresh.
/// Events after the checkpoint are not in the samples: the dashboard adds the head itself, read in every view.
/// </summary>
/// <remarks>
/// One entry (only the latest checkpoint is ever asked for). Concurrent views after a new checkpoint may each read
/// once; the last one written stays. Register as a singleton.
/// </remarks>
public sealed class GrowthSampleCache
{
    /// <summary>What the samples were read for: the ledger size they cover and the root (or head) hash at that size.</summary>
    public sealed record Key(long Size, string Hash);

    private sealed record Entry(Key Key, IReadOnlyList<LedgerGrowthPoint> Points);

    private Entry? last;
    private long reads;

    /// <summary>How many times the samples were read (cache misses), for tests and operations.</summary>
    public long Reads => Interlocked.Read(ref reads);

    /// <summary>The samples for <paramref name="key"/>: kept ones when the key is the same, else <paramref name="read"/>'s.</summary>
    public async Task<IReadOnlyList<LedgerGrowthPoint>> GetAsync(Key key, Func<Task<IReadOnlyList<LedgerGrowthPoint>>> read)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(read);
        if (Volatile.Read(ref last) is { } entry && entry.Key == key)
            return entry.Points;
        Interlocked.Increment(ref reads);
        var points = await read();
        Volatile.Write(ref last, new Entry(key, points));
        return points;
    }
}

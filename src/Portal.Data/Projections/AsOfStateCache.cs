using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Projections;

/// <summary>
/// Replayed as-of states, shared by every viewer of this process: a second viewer of the same point (or the same
/// viewer coming back to it) gets the state without reading and replaying the stream again — on a hot stream
/// (16,167 events at 200k) that replay was seconds under load.
/// </summary>
/// <remarks>
/// <para><b>Why an entry is exact.</b> A replay is a pure function of the stream's events, T, K and the projection
/// (<see cref="AsOfEngine"/>). The ledger is append-only and a stream's events are numbered 1, 2, … (stream_seq), so
/// "the stream's events" is fully named by its head stream_seq in the reading snapshot. The key is therefore
/// (stream, head, T, K, projection version): an event appended later — a late arrival, a correction, even one
/// recorded at or before K — moves the head and misses the entry, and nothing else can change the answer.
/// Rows altered in place (tampering) are not an input the key sees: entries live <see cref="TimeToLive"/> at most,
/// and tampering is the verifier's to find (docs/timeline.md, "As-of cache").</para>
/// <para><b>Bounded.</b> An entry weighs its stream's event count (each applied or excluded event is listed in the
/// state); the cache holds at most <see cref="Budget"/> events, evicting the least recently used, and never an
/// entry heavier than a quarter of it (such a stream is replayed per request).</para>
/// <para><b>One replay at a time per key.</b> Concurrent requests for the same key wait for the first one's replay
/// instead of starting their own; if it fails or is cancelled (that request went away) they replay themselves.</para>
/// </remarks>
public sealed class AsOfStateCache(TimeProvider time, long budget = AsOfStateCache.DefaultBudget)
{
    public const long DefaultBudget = 200_000;

    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(10);

    private readonly record struct Key(string Type, string Id, long Head, long T, long K, string Projection);

    private sealed class Entry(AsOfState state, DateTimeOffset created)
    {
        public AsOfState State { get; } = state;
        public DateTimeOffset Created { get; } = created;
        public long Weight { get; } = Math.Max(1, state.Applied.Count + state.Excluded.Count);
        public LinkedListNode<Key>? Node { get; set; }
    }

    private readonly object gate = new();
    private readonly Dictionary<Key, Entry> entries = [];
    private readonly LinkedList<Key> recency = new(); // most recently used first
    private readonly Dictionary<Key, Task<AsOfState>> running = [];
    private long weight;
    private long hits;
    private long replays;

    /// <summary>Events the cache may hold over all entries.</summary>
    public long Budget { get; } = budget;

    /// <summary>Answers given from an entry or from another request's replay.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>Replays run through the cache.</summary>
    public long Replays => Interlocked.Read(ref replays);

    /// <summary>Events held now.</summary>
    public long Weight
    {
        get
        {
            lock (gate)
                return weight;
        }
    }

    /// <summary>
    /// The state for (stream, head, T, K, projection): from an entry, from a replay of the same key already running,
    /// or from <paramref name="replay"/> (which must read exactly the stream's events up to <paramref name="head"/>).
    /// </summary>
    public async Task<AsOfState> GetOrReplayAsync(StreamKey stream, long head, DateTime t, DateTime k, string projection,
        Func<CancellationToken, Task<AsOfState>> replay, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(replay);
        var key = new Key(stream.Type, stream.Id, head, t.Ticks, k.Ticks, projection);
        Task<AsOfState>? other = null;
        TaskCompletionSource<AsOfState>? mine = null;
        lock (gate)
        {
            if (entries.TryGetValue(key, out var entry))
            {
                if (time.GetUtcNow() - entry.Created < TimeToLive)
                {
                    Touch(entry);
                    Interlocked.Increment(ref hits);
                    return entry.State;
                }
                Remove(key, entry);
            }
            if (!running.TryGetValue(key, out other))
            {
                mine = new TaskCompletionSource<AsOfState>(TaskCreationOptions.RunContinuationsAsynchronously);
                running[key] = mine.Task;
            }
        }

        if (other is not null)
        {
            try
            {
                var shared = await other.WaitAsync(ct).ConfigureAwait(false);
                Interlocked.Increment(ref hits);
                return shared;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // The first request's replay failed or was cancelled with it: this request replays on its own.
            }
            return await ReplayUncachedAsync(replay, ct).ConfigureAwait(false);
        }

        try
        {
            var state = await ReplayUncachedAsync(replay, ct).ConfigureAwait(false);
            lock (gate)
                Add(key, state);
            mine!.SetResult(state);
            return state;
        }
        catch (Exception ex)
        {
            mine!.SetException(ex);
            _ = mine.Task.Exception; // observed: waiters replay on their own
            throw;
        }
        finally
        {
            lock (gate)
                running.Remove(key);
        }
    }

    private async Task<AsOfState> ReplayUncachedAsync(Func<CancellationToken, Task<AsOfState>> replay, CancellationToken ct)
    {
        Interlocked.Increment(ref replays);
        return await replay(ct).ConfigureAwait(false);
    }

    private void Add(Key key, AsOfState state)
    {
        var entry = new Entry(state, time.GetUtcNow());
        if (entry.Weight > Budget / 4 || entries.ContainsKey(key))
            return;
        entry.Node = recency.AddFirst(key);
        entries[key] = entry;
        weight += entry.Weight;
        while (weight > Budget && recency.Last is { } oldest)
            Remove(oldest.Value, entries[oldest.Value]);
    }

    private void Touch(Entry entry)
    {
        recency.Remove(entry.Node!);
        recency.AddFirst(entry.Node!);
    }

    private void Remove(Key key, Entry entry)
    {
        entries.Remove(key);
        recency.Remove(entry.Node!);
        weight -= entry.Weight;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// The verifier's per-stream state: the <see cref="StreamTail"/> of every distinct stream seen, stored
/// inline in one dictionary per stream type keyed by stream id. This is the only part of a single-pass
/// verifier that grows with the ledger (with its number of streams), so it is kept small:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>an entry is the id reference plus the 64-byte tail (80 bytes with the dictionary's hash code
/// and chain index) — a key of (type, id) would add 8 bytes, an object per stream 50–100;</item>
/// <item>the stream type string is kept once per type, not once per stream;</item>
/// <item>the tables grow by an eighth instead of doubling, so at most ~12 % of their slots are empty
/// instead of up to ~50 %; the price is more rehashes as streams appear (each linear, ~8 per stream
/// in total, once per new stream — not per row), and the peak while a table is copied is then
/// 2.1× it instead of 3×.</item>
/// </list>
/// Measured: see docs/performance.md §3 (benchmarks/VerifyBenchmark --streams, and
/// LedgerVerifierMemoryTests).
/// </remarks>
internal sealed class StreamTails
{
    private readonly Dictionary<string, Dictionary<string, StreamTail>> byType = [];

    /// <summary>The tail of <paramref name="stream"/>; a null reference when it has not been seen.</summary>
    public ref StreamTail Find(StreamKey stream)
    {
        if (!byType.TryGetValue(stream.Type, out var ids))
            return ref Unsafe.NullRef<StreamTail>();
        return ref CollectionsMarshal.GetValueRefOrNullRef(ids, stream.Id);
    }

    /// <summary>Adds <paramref name="stream"/> (not yet present) and returns its zeroed tail to fill in.</summary>
    public ref StreamTail Add(StreamKey stream)
    {
        if (!byType.TryGetValue(stream.Type, out var ids))
        {
            ids = [];
            byType.Add(stream.Type, ids);
        }
        var capacity = ids.EnsureCapacity(0);
        if (ids.Count == capacity)
            ids.EnsureCapacity(capacity + capacity / 8 + 4);
        return ref CollectionsMarshal.GetValueRefOrAddDefault(ids, stream.Id, out _);
    }

    /// <summary>Every stream and its tail (for the merge of a parallel run).</summary>
    public List<(StreamKey Stream, StreamTail Tail)> ToList()
    {
        var all = new List<(StreamKey, StreamTail)>();
        foreach (var (type, ids) in byType)
        {
            foreach (var (id, tail) in ids)
                all.Add((new StreamKey(type, id), tail));
        }
        return all;
    }
}

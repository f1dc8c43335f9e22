using System.Runtime.InteropServices;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// The verifier's per-stream state: the <see cref="StreamTail"/> of every distinct stream seen, stored
/// inline in one dictionary keyed by the stream's key bytes (<see cref="StreamKeyBytes"/>). This is the only part of a single-pass verifier that grows with the ledger (with its number of
/// streams), so it is kept small:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>an entry is the key array plus the 64-byte tail (80 bytes with the dictionary's hash code
/// and chain index) — an object per stream would add 50–100;</item>
/// <item>rows are looked up by their key bytes as read (an alternate lookup by span): no string per row;</item>
/// <item>the table grows by an eighth instead of doubling, so at most ~12 % of its slots are empty
/// instead of up to ~50 %; the price is more rehashes as streams appear (each linear, ~8 per stream
/// in total, once per new stream — not per row), and the peak while the table is copied is then
/// 2.1× it instead of 3×.</item>
/// </list>
/// Measured: see docs/performance.md (benchmarks/VerifyBenchmark --streams, and LedgerVerifierMemoryTests).
/// </remarks>
internal sealed class StreamTails
{
    private readonly Dictionary<byte[], StreamTail> tails = new(StreamKeyBytes.Comparer.Instance);
    private readonly Dictionary<byte[], StreamTail>.AlternateLookup<ReadOnlySpan<byte>> bySpan;

    public StreamTails() => bySpan = tails.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>The tail of the stream with key bytes <paramref name="key"/>; a null reference when it has not been seen.</summary>
    public ref StreamTail Find(ReadOnlySpan<byte> key) => ref CollectionsMarshal.GetValueRefOrNullRef(bySpan, key);

    /// <summary>Adds the stream (not yet present) and returns its zeroed tail to fill in.</summary>
    public ref StreamTail Add(ReadOnlySpan<byte> key)
    {
        var capacity = tails.EnsureCapacity(0);
        if (tails.Count == capacity)
            tails.EnsureCapacity(capacity + capacity / 8 + 4);
        return ref CollectionsMarshal.GetValueRefOrAddDefault(bySpan, key, out _);
    }

    /// <summary>Every stream and its tail (for the merge of a parallel run).</summary>
    public List<(StreamKey Stream, StreamTail Tail)> ToList() => tails.Select(t => (StreamKeyBytes.Stream(t.Key), t.Value)).ToList();
}

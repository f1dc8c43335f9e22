using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.StreamHeads;

/// <summary>
/// The stream-head tree (docs/ledger-format.md §4.1) kept up to date event by event: <see cref="Set"/>
/// records a stream's new head, <see cref="Commit"/> returns the commitment a checkpoint signs.
/// </summary>
/// <remarks>
/// Incremental where it pays: a head leaf is rehashed only when its stream moved since the last commit,
/// and the sorted order is only merged with the streams that appeared since. The interior nodes are
/// recomputed on every commit (count − 1 node hashes): an update touches scattered leaves, so caching
/// the levels would save little (docs/performance.md). Not thread-safe.
/// </remarks>
public sealed class StreamHeadTree
{
    // Keyed by StreamKeyBytes, so that the verifier looks a row up by the bytes it was read with (no string per row).
    private readonly Dictionary<byte[], Entry> entries = new(StreamKeyBytes.Comparer.Instance);
    private readonly Dictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> bySpan;
    private List<Entry> sorted = [];
    private readonly List<Entry> appeared = [];
    private readonly List<Entry?> byHandle = [null]; // handle 0: none

    public StreamHeadTree() => bySpan = entries.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>Number of streams (the tree's size).</summary>
    public int Count => entries.Count;

    /// <summary>Records that the head of <paramref name="stream"/> is now <paramref name="streamSeq"/> with leaf hash <paramref name="leafHash"/>.</summary>
    public void Set(StreamKey stream, long streamSeq, ReadOnlySpan<byte> leafHash)
    {
        var max = StreamKeyBytes.MaxLength(stream);
        Span<byte> key = max <= 256 ? stackalloc byte[max] : new byte[max];
        Set(key[..StreamKeyBytes.Write(stream, key)], streamSeq, leafHash);
    }

    /// <summary>As <see cref="Set(StreamKey, long, ReadOnlySpan{byte})"/>, the stream given by its key bytes (<see cref="StreamKeyBytes"/>).</summary>
    internal void Set(ReadOnlySpan<byte> streamKey, long streamSeq, ReadOnlySpan<byte> leafHash) => Set(Handle(streamKey), streamSeq, leafHash);

    /// <summary>
    /// A handle (≥ 1) for the stream with key bytes <paramref name="streamKey"/>, for <see cref="Set(int, long, ReadOnlySpan{byte})"/>:
    /// the verifier keeps it with its own per-stream state, so that a row costs one table lookup, not two. Adds the stream;
    /// call <see cref="Set(int, long, ReadOnlySpan{byte})"/> before the next <see cref="Commit"/>.
    /// </summary>
    internal int Handle(ReadOnlySpan<byte> streamKey)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(bySpan, streamKey, out var exists);
        if (!exists)
        {
            entry = new Entry(StreamKeyBytes.Stream(streamKey), byHandle.Count);
            byHandle.Add(entry);
            appeared.Add(entry);
        }
        return entry!.Handle;
    }

    /// <summary>Records the head of the stream of <paramref name="handle"/> (from <see cref="Handle"/>).</summary>
    internal void Set(int handle, long streamSeq, ReadOnlySpan<byte> leafHash)
    {
        var entry = byHandle[handle]!;
        entry.StreamSeq = streamSeq;
        leafHash.CopyTo(entry.HeadHash);
        entry.Dirty = true;
    }

    /// <summary>Forgets every stream.</summary>
    public void Clear()
    {
        entries.Clear();
        byHandle.RemoveRange(1, byHandle.Count - 1);
        sorted = [];
        appeared.Clear();
    }

    /// <summary>The count and root of the tree over the heads recorded so far.</summary>
    public StreamHeadCommitment Commit()
    {
        MergeAppeared();
        var range = CompactRange.Empty();
        foreach (var entry in sorted)
            range.Append(entry.LeafHash());
        return new StreamHeadCommitment(sorted.Count, range.RootHash());
    }

    /// <summary>Every head, in tree order (for proofs).</summary>
    public IReadOnlyList<StreamHeadLeaf> Leaves()
    {
        MergeAppeared();
        return sorted.Select(e => new StreamHeadLeaf(e.Key.Type, e.Key.Id, e.StreamSeq, (byte[])e.HeadHash.Clone())).ToList();
    }

    private void MergeAppeared()
    {
        if (appeared.Count == 0)
            return;
        appeared.Sort(static (a, b) => StreamHeadLeaf.CompareKeys(a.Key, b.Key));
        var merged = new List<Entry>(sorted.Count + appeared.Count);
        int i = 0, j = 0;
        while (i < sorted.Count || j < appeared.Count)
        {
            if (j == appeared.Count || (i < sorted.Count && StreamHeadLeaf.CompareKeys(sorted[i].Key, appeared[j].Key) < 0))
                merged.Add(sorted[i++]);
            else
                merged.Add(appeared[j++]);
        }
        sorted = merged;
        appeared.Clear();
    }

    private sealed class Entry
    {
        private readonly byte[] leafPrefix; // u32(len T) ‖ T ‖ u32(len I) ‖ I
        private readonly byte[] leafHash = new byte[HashHex.HashSize];

        public Entry(StreamKey key, int handle)
        {
            Key = key;
            Handle = handle;
            var type = Encoding.UTF8.GetBytes(key.Type);
            var id = Encoding.UTF8.GetBytes(key.Id);
            leafPrefix = new byte[8 + type.Length + id.Length];
            BinaryPrimitives.WriteUInt32BigEndian(leafPrefix, (uint)type.Length);
            type.CopyTo(leafPrefix, 4);
            BinaryPrimitives.WriteUInt32BigEndian(leafPrefix.AsSpan(4 + type.Length), (uint)id.Length);
            id.CopyTo(leafPrefix, 8 + type.Length);
        }

        public StreamKey Key { get; }

        public int Handle { get; }

        public long StreamSeq;
        public readonly byte[] HeadHash = new byte[HashHex.HashSize];
        public bool Dirty = true;

        public ReadOnlySpan<byte> LeafHash()
        {
            if (Dirty)
            {
                var length = leafPrefix.Length + 8 + HashHex.HashSize;
                Span<byte> leaf = length <= 512 ? stackalloc byte[length] : new byte[length];
                leafPrefix.CopyTo(leaf);
                BinaryPrimitives.WriteUInt64BigEndian(leaf[leafPrefix.Length..], (ulong)StreamSeq);
                HeadHash.CopyTo(leaf[(leafPrefix.Length + 8)..]);
                MerkleHasher.HashLeaf(leaf, leafHash);
                Dirty = false;
            }
            return leafHash;
        }
    }
}

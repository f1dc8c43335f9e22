namespace AuditPortal.Verification.Merkle;

/// <summary>
/// A compact Merkle range (transparency-dev <c>compact.Range</c>): the leaves [<see cref="Begin"/>, <see cref="End"/>)
/// represented by the hashes of their canonical decomposition into perfect subtrees, left to right.
/// </summary>
/// <remarks>
/// <para>
/// The decomposition is the unique one in which no two adjacent nodes are siblings; it has at most
/// two nodes per tree level, so memory is O(log n) whatever the number of leaves. Appending merges
/// siblings as they appear, which is O(1) amortized per leaf.
/// </para>
/// <para>
/// A streaming verifier appends every leaf hash and asks for <see cref="RootHash"/> at each checkpoint
/// size; parallel verifiers build ranges over consecutive slices and join them with
/// <see cref="AppendRange"/> in order. Not thread-safe.
/// </para>
/// </remarks>
public sealed class CompactRange
{
    private const int HashSize = MerkleHasher.HashSize;

    // Node i: its level (subtree of 2^level leaves) and its hash at [i*32, i*32+32) of _hashes.
    private int[] _levels;
    private byte[] _hashes;
    private int _count;

    private CompactRange(long begin, int capacity)
    {
        Begin = begin;
        End = begin;
        _levels = new int[capacity];
        _hashes = new byte[capacity * HashSize];
    }

    /// <summary>Index of the first leaf covered.</summary>
    public long Begin { get; }

    /// <summary>Index one past the last leaf covered.</summary>
    public long End { get; private set; }

    /// <summary>Number of leaves covered.</summary>
    public long Size => End - Begin;

    /// <summary>Number of perfect subtrees in the decomposition (O(log <see cref="Size"/>)).</summary>
    public int NodeCount => _count;

    /// <summary>Returns an empty range starting (and ending) at <paramref name="begin"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="begin"/> is negative.</exception>
    public static CompactRange Empty(long begin = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(begin);
        return new CompactRange(begin, 8);
    }

    /// <summary>Returns the hash of the <paramref name="index"/>-th node of the decomposition, left to right.</summary>
    public ReadOnlySpan<byte> NodeHash(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
        return _hashes.AsSpan(index * HashSize, HashSize);
    }

    /// <summary>Returns the level (log2 of the leaf count) of the <paramref name="index"/>-th node, left to right.</summary>
    public int NodeLevel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
        return _levels[index];
    }

    /// <summary>Appends the leaf at index <see cref="End"/>, given its leaf hash.</summary>
    /// <exception cref="ArgumentException"><paramref name="leafHash"/> is not 32 bytes.</exception>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != HashSize)
        {
            throw new ArgumentException($"leaf hash is {leafHash.Length} bytes, want {HashSize}", nameof(leafHash));
        }

        PushNode(0, leafHash);
    }

    /// <summary>
    /// Appends all leaves of <paramref name="right"/>, which must start where this range ends. Its nodes
    /// are appended in order and siblings merged, so the result is the decomposition of the union.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="right"/> does not begin at <see cref="End"/>.</exception>
    public void AppendRange(CompactRange right)
    {
        ArgumentNullException.ThrowIfNull(right);
        if (right.Begin != End)
        {
            throw new ArgumentException($"ranges are not adjacent: right range begins at {right.Begin}, want {End}", nameof(right));
        }

        if (ReferenceEquals(right, this))
        {
            // Only reachable when this range is empty: nothing to append.
            return;
        }

        for (int i = 0; i < right._count; i++)
        {
            PushNode(right._levels[i], right._hashes.AsSpan(i * HashSize, HashSize));
        }
    }

    /// <summary>
    /// Returns the RFC 9162 Merkle Tree Hash of leaves [0, <see cref="End"/>): the root of the tree of size
    /// <see cref="End"/>; <see cref="MerkleHasher.EmptyRoot"/> when there are no leaves.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="Begin"/> is not 0.</exception>
    public byte[] RootHash()
    {
        var root = new byte[HashSize];
        RootHash(root);
        return root;
    }

    /// <summary>Writes the root hash (see <see cref="RootHash()"/>) to <paramref name="destination"/>.</summary>
    public void RootHash(Span<byte> destination)
    {
        if (Begin != 0)
        {
            throw new InvalidOperationException($"a root hash needs a range that begins at leaf 0; this one begins at {Begin}");
        }

        if (_count == 0)
        {
            MerkleHasher.EmptyRoot.CopyTo(destination);
            return;
        }

        // The nodes have strictly decreasing levels; MTH folds them from the right.
        Span<byte> acc = stackalloc byte[HashSize];
        _hashes.AsSpan((_count - 1) * HashSize, HashSize).CopyTo(acc);
        for (int i = _count - 2; i >= 0; i--)
        {
            MerkleHasher.HashChildren(_hashes.AsSpan(i * HashSize, HashSize), acc, acc);
        }

        acc.CopyTo(destination);
    }

    /// <summary>The node hashes of a range that begins at leaf 0, left to right, concatenated (32 bytes each).</summary>
    public byte[] NodeHashes()
    {
        if (Begin != 0)
            throw new InvalidOperationException($"a frontier is a range that begins at leaf 0; this one begins at {Begin}");
        return _hashes.AsSpan(0, _count * HashSize).ToArray();
    }

    /// <summary>
    /// The range [0, <paramref name="end"/>) from its <see cref="NodeHashes"/>: one perfect subtree per bit set in
    /// <paramref name="end"/>, largest first.
    /// </summary>
    /// <exception cref="ArgumentException">The number of hashes is not the number of bits set in <paramref name="end"/>.</exception>
    public static CompactRange FromNodeHashes(long end, ReadOnlySpan<byte> hashes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(end);
        var count = System.Numerics.BitOperations.PopCount((ulong)end);
        if (hashes.Length != count * HashSize)
            throw new ArgumentException($"a range of {end} leaves has {count} nodes, got {hashes.Length} bytes", nameof(hashes));
        var range = new CompactRange(0, Math.Max(count, 1));
        var node = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((end & (1L << level)) != 0)
                range.PushNode(level, hashes.Slice(node++ * HashSize, HashSize));
        }
        return range;
    }

    /// <summary>Returns an independent copy of this range.</summary>
    public CompactRange Clone()
    {
        var copy = new CompactRange(Begin, Math.Max(_levels.Length, 1)) { End = End, _count = _count };
        Array.Copy(_levels, copy._levels, _count);
        Array.Copy(_hashes, copy._hashes, _count * HashSize);
        return copy;
    }

    // Appends the perfect subtree of 2^level leaves at [End, End + 2^level), merging it with its left
    // sibling while the last node is one. The node must be aligned (End divisible by 2^level).
    private void PushNode(int level, ReadOnlySpan<byte> hash)
    {
        long position = End;
        End += 1L << level;
        if (_count == _levels.Length)
        {
            Array.Resize(ref _levels, _levels.Length * 2);
            Array.Resize(ref _hashes, _hashes.Length * 2);
        }

        _levels[_count] = level;
        hash.CopyTo(_hashes.AsSpan(_count * HashSize, HashSize));
        _count++;

        // The node at 'position' is a right child when its index at its level is odd; its left
        // sibling is then the previous node, if that one has the same level (it lies in the range).
        while (_count >= 2
            && _levels[_count - 2] == level
            && ((position >> level) & 1) == 1)
        {
            var left = _hashes.AsSpan((_count - 2) * HashSize, HashSize);
            var right = _hashes.AsSpan((_count - 1) * HashSize, HashSize);
            MerkleHasher.HashChildren(left, right, left);
            _count--;
            level++;
            _levels[_count - 1] = level;
            position -= 1L << (level - 1);
        }
    }
}

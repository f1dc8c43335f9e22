using System.Numerics;

namespace AuditPortal.Verification.Merkle;

/// <summary>
/// Hashes of the complete, aligned subtrees of at least 2^<see cref="Height"/> leaves ("tiles" and every
/// level above them) of the first <see cref="CoveredLeaves"/> leaves of a tree: an immutable snapshot.
/// </summary>
/// <remarks>
/// <para>
/// The hash of a perfect subtree never changes as the tree grows (the ledger is append-only), so these
/// can be computed once and only extended: <see cref="Append"/> returns a new snapshot, leaving this one
/// valid for readers still using it. With the tiles and the levels above them, any RFC 9162 proof needs
/// only the leaf hashes of the at most two tiles its boundaries fall into (<see cref="TiledProofBuilder"/>).
/// </para>
/// <para>
/// Memory: about 2 × 32 bytes per tile, i.e. 64 / 2^Height bytes per leaf (≈ 2.5 MB for 10M leaves at
/// height 8). Nothing here is trusted: a proof assembled from it must be verified against a signed root.
/// </para>
/// </remarks>
public sealed class SubtreeHashCache
{
    /// <summary>Largest supported tile height (tiles of 2^30 leaves).</summary>
    public const int MaxHeight = 30;

    private const int HashSize = MerkleHasher.HashSize;

    // _levels[j]: hashes of the perfect subtrees of 2^(Height + j) leaves starting at leaf i·2^(Height + j),
    // for i < TileCount >> j, packed 32 bytes each. _levels[0] are the tiles.
    private readonly byte[][] _levels;

    private SubtreeHashCache(int height, long tileCount, byte[][] levels)
    {
        Height = height;
        TileCount = tileCount;
        _levels = levels;
    }

    /// <summary>log2 of the number of leaves in a tile.</summary>
    public int Height { get; }

    /// <summary>Number of leaves in a tile (2^<see cref="Height"/>).</summary>
    public long TileSize => 1L << Height;

    /// <summary>Number of complete tiles held.</summary>
    public long TileCount { get; }

    /// <summary>Leaves [0, CoveredLeaves) are covered by complete tiles.</summary>
    public long CoveredLeaves => TileCount << Height;

    /// <summary>Bytes of hashes held (all levels).</summary>
    public long ByteSize => _levels.Sum(l => (long)l.Length);

    /// <summary>A cache with no tiles.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is not in [0, <see cref="MaxHeight"/>].</exception>
    public static SubtreeHashCache Empty(int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxHeight);
        return new SubtreeHashCache(height, 0, []);
    }

    /// <summary>
    /// Returns a snapshot with <paramref name="tileHashes"/> (the tiles starting at leaf
    /// <see cref="CoveredLeaves"/>, in order) appended and the levels above them completed.
    /// </summary>
    /// <exception cref="ArgumentException">A tile hash is not 32 bytes.</exception>
    public SubtreeHashCache Append(IReadOnlyList<byte[]> tileHashes)
    {
        ArgumentNullException.ThrowIfNull(tileHashes);
        if (tileHashes.Count == 0)
            return this;
        var tileCount = TileCount + tileHashes.Count;
        if (tileCount > int.MaxValue / HashSize)
            throw new InvalidOperationException($"{tileCount} tiles do not fit one array; use a larger tile height than {Height}");

        var levelCount = BitOperations.Log2((ulong)tileCount) + 1;
        var levels = new byte[levelCount][];
        for (var j = 0; j < levelCount; j++)
        {
            var oldCount = (int)(TileCount >> j);
            var newCount = (int)(tileCount >> j);
            var level = new byte[newCount * HashSize];
            if (j < _levels.Length)
                _levels[j].AsSpan(0, oldCount * HashSize).CopyTo(level);
            for (var i = oldCount; i < newCount; i++)
            {
                var destination = level.AsSpan(i * HashSize, HashSize);
                if (j == 0)
                {
                    var tile = tileHashes[i - oldCount];
                    if (tile.Length != HashSize)
                        throw new ArgumentException($"tile hash {i} is {tile.Length} bytes, want {HashSize}", nameof(tileHashes));
                    tile.CopyTo(destination);
                }
                else
                {
                    var below = levels[j - 1];
                    MerkleHasher.HashChildren(below.AsSpan(2 * i * HashSize, HashSize), below.AsSpan((2 * i + 1) * HashSize, HashSize), destination);
                }
            }
            levels[j] = level;
        }
        return new SubtreeHashCache(Height, tileCount, levels);
    }

    /// <summary>
    /// True when <paramref name="range"/> is a perfect aligned subtree of at least one tile inside
    /// [0, <see cref="CoveredLeaves"/>), i.e. its hash is held here.
    /// </summary>
    public bool Holds(LeafRange range)
    {
        var size = range.Size;
        return size >= TileSize && long.IsPow2(size) && range.Begin % size == 0 && range.End <= CoveredLeaves;
    }

    /// <summary>MTH of <paramref name="range"/>, which must be <see cref="Holds">held</see>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not held.</exception>
    public ReadOnlySpan<byte> SubtreeHash(LeafRange range)
    {
        if (!Holds(range))
            throw new ArgumentOutOfRangeException(nameof(range), range,
                $"{range} is not a complete aligned subtree of at least {TileSize} leaves below {CoveredLeaves}");
        var level = BitOperations.Log2((ulong)range.Size) - Height;
        var index = (int)(range.Begin >> (Height + level));
        return _levels[level].AsSpan(index * HashSize, HashSize);
    }
}

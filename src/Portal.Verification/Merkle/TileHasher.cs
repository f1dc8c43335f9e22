namespace AuditPortal.Verification.Merkle;

/// <summary>
/// Turns leaf hashes fed once, in ascending index order from a tile boundary, into the hashes of the
/// complete tiles (perfect subtrees of 2^height leaves) they fill, for <see cref="SubtreeHashCache.Append"/>.
/// Memory: one compact range (O(height)) plus 32 bytes per finished tile.
/// </summary>
public sealed class TileHasher
{
    private readonly long _tileSize;
    private readonly List<byte[]> _tiles = [];
    private CompactRange _current = CompactRange.Empty(0);

    /// <summary>Prepares to hash tiles of 2^<paramref name="height"/> leaves starting at leaf <paramref name="firstLeaf"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="firstLeaf"/> is not at a tile boundary.</exception>
    public TileHasher(int height, long firstLeaf)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, SubtreeHashCache.MaxHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(firstLeaf);
        _tileSize = 1L << height;
        if (firstLeaf % _tileSize != 0)
            throw new ArgumentException($"leaf {firstLeaf} is not at a boundary of tiles of {_tileSize} leaves", nameof(firstLeaf));
        NextLeaf = firstLeaf;
    }

    /// <summary>Index of the leaf this hasher needs next.</summary>
    public long NextLeaf { get; private set; }

    /// <summary>Hashes of the tiles completed so far, in order.</summary>
    public IReadOnlyList<byte[]> CompletedTiles => _tiles;

    /// <summary>Feeds the hash of leaf <paramref name="index"/>, which must be <see cref="NextLeaf"/>.</summary>
    /// <exception cref="InvalidOperationException">A leaf was skipped or repeated.</exception>
    public void Add(long index, ReadOnlySpan<byte> leafHash)
    {
        if (index != NextLeaf)
            throw new InvalidOperationException($"leaf {NextLeaf} is missing: got leaf {index}");
        _current.Append(leafHash);
        NextLeaf++;
        if (_current.Size == _tileSize)
        {
            _tiles.Add(_current.RootHash());
            _current = CompactRange.Empty(0);
        }
    }
}

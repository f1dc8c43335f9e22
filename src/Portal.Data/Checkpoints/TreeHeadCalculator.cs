using System.Security.Cryptography;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Checkpoints;

/// <summary>
/// Incremental RFC 9162 §2.1.1 Merkle Tree Hash over leaf hashes: keeps the frontier (the roots of
/// the perfect subtrees covering the leaves so far, largest first), so appending is O(log n) and the
/// root needs no reread of the ledger.
/// </summary>
/// <remarks>TODO: replace with Portal.Verification's CompactRange/MerkleHasher when it lands.</remarks>
internal sealed class TreeHeadCalculator
{
    public const byte NodeHashPrefix = 0x01;

    private static readonly byte[] EmptyRoot = SHA256.HashData([]);

    // frontier[i] covers 2^levels[i] leaves; levels strictly decrease.
    private readonly List<byte[]> frontier = [];
    private readonly List<int> levels = [];

    /// <summary>Number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>Appends one leaf hash (the event's stored <c>hash</c>, already H(0x00 ‖ record)).</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != HashHex.HashSize)
            throw new ArgumentException($"a leaf hash is {HashHex.HashSize} bytes, got {leafHash.Length}", nameof(leafHash));
        var node = leafHash.ToArray();
        var level = 0;
        while (levels.Count > 0 && levels[^1] == level)
        {
            node = HashChildren(frontier[^1], node);
            frontier.RemoveAt(frontier.Count - 1);
            levels.RemoveAt(levels.Count - 1);
            level++;
        }
        frontier.Add(node);
        levels.Add(level);
        Size++;
    }

    /// <summary>MTH of all leaves appended so far; H("") for none.</summary>
    public byte[] Root()
    {
        if (frontier.Count == 0)
            return (byte[])EmptyRoot.Clone();
        // The largest power of two below n splits off the first (largest) perfect subtree, so the
        // root folds the frontier from the right.
        var root = frontier[^1];
        for (var i = frontier.Count - 2; i >= 0; i--)
            root = HashChildren(frontier[i], root);
        return root;
    }

    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * HashHex.HashSize];
        buffer[0] = NodeHashPrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashHex.HashSize)..]);
        return SHA256.HashData(buffer);
    }
}

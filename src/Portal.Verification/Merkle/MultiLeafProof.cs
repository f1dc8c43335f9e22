using System.Numerics;

namespace AuditPortal.Verification.Merkle;

/// <summary>
/// A proof that several leaves — any set of them, a contiguous range or scattered — are at their indices in the RFC 9162
/// tree of a given size (docs/access-log-review.md, "The chain proof of a review period"): the hashes of the largest
/// subtrees that hold none of the leaves, in the order a left-to-right walk of the tree meets them.
/// </summary>
/// <remarks>
/// With k leaves of a tree of n the proof has at most k·⌈log₂ n⌉ hashes and fewer when the leaves are close: a
/// contiguous range of k leaves needs at most 2·⌈log₂ n⌉. The walk, for the subtree of leaves [lo, hi):
/// if it holds no proven leaf, its hash MTH(lo, hi) is the next proof hash; if it is one proven leaf, that leaf's hash;
/// otherwise split at lo + k, k the largest power of two below hi − lo (RFC 9162 §2.1.1), and walk the left part, then
/// the right one. The root is HASH(0x01 ‖ left ‖ right) at every split.
/// </remarks>
public static class MultiLeafProof
{
    /// <summary>
    /// Builds the proof of <paramref name="indices"/> (strictly increasing, each &lt; <paramref name="size"/>) from every
    /// leaf hash of the tree in order, reading them once (memory O(log n) besides the proof).
    /// </summary>
    /// <exception cref="InvalidDataException">The leaf hashes do not run 0 … size − 1.</exception>
    public static async Task<IReadOnlyList<byte[]>> BuildAsync(long size, IReadOnlyList<long> indices, IAsyncEnumerable<(long Index, byte[] LeafHash)> leaves,
        CancellationToken ct = default)
    {
        CheckIndices(size, indices);
        var proof = new List<byte[]>();
        await using var reader = leaves.GetAsyncEnumerator(ct);
        long next = 0;
        async Task<byte[]> NextLeafAsync()
        {
            if (!await reader.MoveNextAsync().ConfigureAwait(false) || reader.Current.Index != next)
                throw new InvalidDataException($"the tree's leaf hashes do not run 0 … {size - 1}: leaf {next} is missing");
            next++;
            return reader.Current.LeafHash;
        }

        async Task WalkAsync(long lo, long hi, int first, int last)
        {
            // indices[first..last) are the proven leaves in [lo, hi).
            if (first == last)
            {
                var range = CompactRange.Empty();
                for (var i = lo; i < hi; i++)
                    range.Append(await NextLeafAsync().ConfigureAwait(false));
                proof.Add(range.RootHash());
                return;
            }
            if (hi - lo == 1)
            {
                await NextLeafAsync().ConfigureAwait(false);
                return;
            }
            var split = lo + Split(hi - lo);
            var middle = first;
            while (middle < last && indices[middle] < split)
                middle++;
            await WalkAsync(lo, split, first, middle).ConfigureAwait(false);
            await WalkAsync(split, hi, middle, last).ConfigureAwait(false);
        }

        await WalkAsync(0, size, 0, indices.Count).ConfigureAwait(false);
        return proof;
    }

    /// <summary>
    /// The root of the tree of <paramref name="size"/> computed from the proven leaves and the proof, or null with
    /// <paramref name="problem"/> saying why none can be computed (indices out of order or out of the tree, too few or
    /// too many proof hashes, a hash that is not 32 bytes).
    /// </summary>
    public static byte[]? Root(long size, IReadOnlyList<(long Index, byte[] LeafHash)> leaves, IReadOnlyList<byte[]> proof, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(proof);
        problem = IndicesProblem(size, leaves.Select(l => l.Index).ToList());
        if (problem is not null)
            return null;
        if (leaves.Any(l => l.LeafHash.Length != MerkleHasher.HashSize) || proof.Any(p => p.Length != MerkleHasher.HashSize))
        {
            problem = "every hash is 32 bytes";
            return null;
        }
        var used = 0;
        byte[]? Walk(long lo, long hi, int first, int last)
        {
            if (first == last)
                return used < proof.Count ? proof[used++] : null;
            if (hi - lo == 1)
                return leaves[first].LeafHash;
            var split = lo + Split(hi - lo);
            var middle = first;
            while (middle < last && leaves[middle].Index < split)
                middle++;
            var left = Walk(lo, split, first, middle);
            var right = left is null ? null : Walk(split, hi, middle, last);
            return right is null ? null : MerkleHasher.HashChildren(left!, right);
        }

        var root = Walk(0, size, 0, leaves.Count);
        if (root is null)
            problem = $"the proof has {proof.Count} hashes, fewer than the tree's shape needs";
        else if (used != proof.Count)
            problem = $"the proof has {proof.Count} hashes, {proof.Count - used} more than the tree's shape needs";
        return problem is null ? root : null;
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n ≥ 2).</summary>
    private static long Split(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    private static void CheckIndices(long size, IReadOnlyList<long> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (IndicesProblem(size, indices) is { } problem)
            throw new ArgumentException(problem, nameof(indices));
    }

    private static string? IndicesProblem(long size, IReadOnlyList<long> indices)
    {
        if (indices.Count == 0)
            return "no leaf to prove";
        for (var i = 0; i < indices.Count; i++)
        {
            if (indices[i] < 0 || indices[i] >= size)
                return $"leaf index {indices[i]} is outside the tree of size {size}";
            if (i > 0 && indices[i] <= indices[i - 1])
                return $"leaf indices must increase strictly: {indices[i]} follows {indices[i - 1]}";
        }
        return null;
    }
}

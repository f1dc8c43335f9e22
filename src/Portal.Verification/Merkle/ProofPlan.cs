using System.Numerics;

namespace AuditPortal.Verification.Merkle;

/// <summary>
/// Which subtree hashes make up an RFC 9162 proof, in proof order: each element of the proof is
/// MTH(D[range.Begin:range.End]) of one <see cref="LeafRange"/>.
/// </summary>
/// <remarks>
/// A plan needs no hashes, so a proof over millions of stored leaves can be produced by streaming
/// the leaf hashes once, in order, through a <see cref="SubtreeHasher"/> with O(log n) memory.
/// The ranges of a plan are disjoint.
/// </remarks>
public sealed class ProofPlan
{
    private ProofPlan(long treeSize, IReadOnlyList<LeafRange> ranges)
    {
        TreeSize = treeSize;
        Ranges = ranges;
    }

    /// <summary>Size of the tree the proof is for (for a consistency proof: the second, larger size).</summary>
    public long TreeSize { get; }

    /// <summary>The ranges whose subtree hashes form the proof, in proof order.</summary>
    public IReadOnlyList<LeafRange> Ranges { get; }

    /// <summary>
    /// The plan of the inclusion proof (audit path, RFC 9162 §2.1.3.1) of leaf <paramref name="index"/>
    /// in the tree of <paramref name="size"/> leaves.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">index is negative or not below size.</exception>
    public static ProofPlan Inclusion(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index {index} is beyond tree size {size}");
        }

        // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])  if m < k
        //               = PATH(m-k, D[k:n]) : MTH(D[0:k]) otherwise.
        // Walk top-down, collecting the sibling subtrees, then emit them bottom-up.
        var topDown = new List<LeafRange>(64);
        long begin = 0, end = size;
        while (end - begin > 1)
        {
            long k = LargestPowerOfTwoBelow(end - begin);
            if (index < begin + k)
            {
                topDown.Add(new LeafRange(begin + k, end));
                end = begin + k;
            }
            else
            {
                topDown.Add(new LeafRange(begin, begin + k));
                begin += k;
            }
        }

        topDown.Reverse();
        return new ProofPlan(size, topDown.AsReadOnly());
    }

    /// <summary>
    /// The plan of the consistency proof (RFC 9162 §2.1.4.1) between the trees of
    /// <paramref name="size1"/> and <paramref name="size2"/> leaves. It is empty when
    /// size1 is 0 or equals size2.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or size1 exceeds size2.</exception>
    public static ProofPlan Consistency(long size1, long size2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size1);
        ArgumentOutOfRangeException.ThrowIfNegative(size2);
        if (size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), size1, $"size1 {size1} is beyond size2 {size2}");
        }

        if (size1 == 0 || size1 == size2)
        {
            return new ProofPlan(size2, Array.Empty<LeafRange>());
        }

        // SUBPROOF(m, D[n], b): m == n → {} if b, else {MTH(D[n])};
        //   m <= k → SUBPROOF(m, D[0:k], b) : MTH(D[k:n]);
        //   m > k  → SUBPROOF(m-k, D[k:n], false) : MTH(D[0:k]).
        var topDown = new List<LeafRange>(64);
        long begin = 0, end = size2, m = size1;
        bool whole = true;
        while (m != end - begin)
        {
            long k = LargestPowerOfTwoBelow(end - begin);
            if (m <= k)
            {
                topDown.Add(new LeafRange(begin + k, end));
                end = begin + k;
            }
            else
            {
                topDown.Add(new LeafRange(begin, begin + k));
                begin += k;
                m -= k;
                whole = false;
            }
        }

        if (!whole)
        {
            topDown.Add(new LeafRange(begin, end));
        }

        topDown.Reverse();
        return new ProofPlan(size2, topDown.AsReadOnly());
    }

    // The largest power of two strictly below n (n >= 2): the RFC 9162 split point k.
    private static long LargestPowerOfTwoBelow(long n) => (long)BitOperations.RoundUpToPowerOf2((ulong)n) >> 1;
}

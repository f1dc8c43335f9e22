using System.Globalization;
using System.Numerics;

namespace AuditPortal.Verification.Merkle;

/// <summary>
/// Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs, in paired
/// verbs: <c>RootFrom…</c> calculates the root(s) a proof implies, <c>Verify…</c> also compares
/// them with the expected roots. Indices, sizes, proof length and hash lengths are checked before
/// any hashing; no method throws on bad proof data, every failure is a <see cref="ProofResult"/>.
/// </summary>
public static class MerkleProofVerifier
{
    private const int HashSize = MerkleHasher.HashSize;

    /// <summary>
    /// Calculates the root of the tree of <paramref name="size"/> leaves implied by the inclusion proof
    /// of the leaf at <paramref name="index"/> with hash <paramref name="leafHash"/>.
    /// </summary>
    /// <remarks>Preconditions checked: 0 ≤ index &lt; size, all hashes 32 bytes, proof of exactly the RFC length.</remarks>
    /// <returns>On success <see cref="ProofResult.CalculatedRoot"/> holds the root.</returns>
    public static ProofResult RootFromInclusionProof(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || size < 0)
        {
            return Invalid(ProofFailureKind.InvalidArguments, $"index {index} and size {size} must not be negative");
        }

        if (index >= size)
        {
            return Invalid(ProofFailureKind.InvalidArguments, $"index {index} is beyond tree size {size}");
        }

        if (leafHash.Length != HashSize)
        {
            return Invalid(ProofFailureKind.MalformedHash, $"leaf hash is {leafHash.Length} bytes, want {HashSize}");
        }

        var (inner, border) = DecomposeInclusionProof(index, size);
        if (proof.Count != inner + border)
        {
            return Invalid(ProofFailureKind.WrongProofLength, $"wrong proof length: got {proof.Count}, want {inner + border}");
        }

        var malformed = CheckElements(proof);
        if (malformed is not null)
        {
            return malformed;
        }

        var root = new byte[HashSize];
        leafHash.CopyTo(root);
        ChainInner(root, proof, 0, inner, index);
        ChainBorderRight(root, proof, inner, border);
        return ProofResult.Valid(root);
    }

    /// <summary>
    /// Verifies that the leaf with hash <paramref name="leafHash"/> is at <paramref name="index"/> in the
    /// tree of <paramref name="size"/> leaves whose root is <paramref name="root"/>.
    /// </summary>
    public static ProofResult VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (root.Length != HashSize)
        {
            return Invalid(ProofFailureKind.MalformedHash, $"root is {root.Length} bytes, want {HashSize}");
        }

        var calculated = RootFromInclusionProof(index, size, leafHash, proof);
        if (!calculated.IsValid)
        {
            return calculated;
        }

        return root.SequenceEqual(calculated.CalculatedRoot)
            ? ProofResult.Valid(calculated.CalculatedRoot)
            : ProofResult.Mismatch("root", root.ToArray(), calculated.CalculatedRoot!);
    }

    /// <summary>
    /// Calculates the roots of the trees of <paramref name="size1"/> and <paramref name="size2"/> leaves
    /// implied by a consistency proof, given the first root <paramref name="root1"/> (which the proof
    /// omits when size1 is a power of two).
    /// </summary>
    /// <remarks>
    /// Preconditions checked: 0 ≤ size1 ≤ size2, hashes 32 bytes, proof of exactly the RFC length
    /// (empty when size1 is 0 or equals size2). When size1 is 0 the proof determines no second root:
    /// <see cref="ProofResult.CalculatedRoot2"/> is then null.
    /// </remarks>
    /// <returns>
    /// On success <see cref="ProofResult.CalculatedRoot"/> is the first root and
    /// <see cref="ProofResult.CalculatedRoot2"/> the second.
    /// </returns>
    public static ProofResult RootsFromConsistencyProof(long size1, long size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 < 0 || size2 < 0)
        {
            return Invalid(ProofFailureKind.InvalidArguments, $"sizes {size1} and {size2} must not be negative");
        }

        if (size2 < size1)
        {
            return Invalid(ProofFailureKind.InvalidArguments, $"size1 {size1} is beyond size2 {size2}");
        }

        if (root1.Length != HashSize)
        {
            return Invalid(ProofFailureKind.MalformedHash, $"root1 is {root1.Length} bytes, want {HashSize}");
        }

        if (size1 == size2 || size1 == 0)
        {
            if (proof.Count != 0)
            {
                return Invalid(ProofFailureKind.WrongProofLength, $"wrong proof length: got {proof.Count}, want 0");
            }

            if (size1 == 0)
            {
                // The empty tree's root is fixed; a proof from it says nothing about a non-empty size2.
                var empty = MerkleHasher.EmptyRoot.ToArray();
                return ProofResult.Valid(empty, size2 == 0 ? empty : null);
            }

            return ProofResult.Valid(root1.ToArray(), root1.ToArray());
        }

        var (inner, border) = DecomposeInclusionProof(size1 - 1, size2);
        int shift = BitOperations.TrailingZeroCount(size1);
        inner -= shift; // shift < inner because size1 < size2

        // The proof starts with the root of the subtree of size 2^shift that ends at size1, unless
        // size1 is that very 2^shift: then the seed is root1 itself.
        int start = size1 == 1L << shift ? 0 : 1;
        int want = start + inner + border;
        if (proof.Count != want)
        {
            return Invalid(ProofFailureKind.WrongProofLength, $"wrong proof length: got {proof.Count}, want {want}");
        }

        var malformed = CheckElements(proof);
        if (malformed is not null)
        {
            return malformed;
        }

        ReadOnlySpan<byte> seed = start == 0 ? root1 : proof[0];
        long mask = (size1 - 1) >> shift; // chaining starts at level 'shift'

        var hash1 = seed.ToArray();
        ChainInnerRight(hash1, proof, start, inner, mask);
        ChainBorderRight(hash1, proof, start + inner, border);

        var hash2 = seed.ToArray();
        ChainInner(hash2, proof, start, inner, mask);
        ChainBorderRight(hash2, proof, start + inner, border);
        return ProofResult.Valid(hash1, hash2);
    }

    /// <summary>
    /// Verifies that the tree of <paramref name="size2"/> leaves with root <paramref name="root2"/> extends
    /// the tree of <paramref name="size1"/> leaves with root <paramref name="root1"/>.
    /// </summary>
    /// <remarks>When size1 is 0, root1 must be <see cref="MerkleHasher.EmptyRoot"/> and the proof empty.</remarks>
    public static ProofResult VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        if (root2.Length != HashSize)
        {
            return Invalid(ProofFailureKind.MalformedHash, $"root2 is {root2.Length} bytes, want {HashSize}");
        }

        var roots = RootsFromConsistencyProof(size1, size2, proof, root1);
        if (!roots.IsValid)
        {
            return roots;
        }

        if (!root1.SequenceEqual(roots.CalculatedRoot))
        {
            return ProofResult.Mismatch("first root", root1.ToArray(), roots.CalculatedRoot!);
        }

        if (roots.CalculatedRoot2 is not null && !root2.SequenceEqual(roots.CalculatedRoot2))
        {
            return ProofResult.Mismatch("second root", root2.ToArray(), roots.CalculatedRoot2);
        }

        return roots;
    }

    /// <summary>
    /// Splits the inclusion proof of <paramref name="index"/> in a tree of <paramref name="size"/> into
    /// its inner part (below the point where the paths to index and to size-1 diverge) and its
    /// border part (left siblings on the right border of the tree).
    /// </summary>
    internal static (int Inner, int Border) DecomposeInclusionProof(long index, long size)
    {
        int inner = 64 - BitOperations.LeadingZeroCount((ulong)(index ^ (size - 1)));
        int border = BitOperations.PopCount((ulong)index >> inner);
        return (inner, border);
    }

    private static ProofResult? CheckElements(IReadOnlyList<byte[]> proof)
    {
        for (int i = 0; i < proof.Count; i++)
        {
            int length = proof[i]?.Length ?? 0;
            if (length != HashSize)
            {
                return Invalid(ProofFailureKind.MalformedHash, $"proof element {i} is {length} bytes, want {HashSize}");
            }
        }

        return null;
    }

    private static void ChainInner(Span<byte> seed, IReadOnlyList<byte[]> proof, int from, int count, long index)
    {
        for (int i = 0; i < count; i++)
        {
            var h = proof[from + i];
            if (((index >> i) & 1) == 0)
            {
                MerkleHasher.HashChildren(seed, h, seed);
            }
            else
            {
                MerkleHasher.HashChildren(h, seed, seed);
            }
        }
    }

    private static void ChainInnerRight(Span<byte> seed, IReadOnlyList<byte[]> proof, int from, int count, long index)
    {
        for (int i = 0; i < count; i++)
        {
            if (((index >> i) & 1) == 1)
            {
                MerkleHasher.HashChildren(proof[from + i], seed, seed);
            }
        }
    }

    private static void ChainBorderRight(Span<byte> seed, IReadOnlyList<byte[]> proof, int from, int count)
    {
        for (int i = 0; i < count; i++)
        {
            MerkleHasher.HashChildren(proof[from + i], seed, seed);
        }
    }

    private static ProofResult Invalid(ProofFailureKind kind, FormattableString message) =>
        ProofResult.Invalid(kind, message.ToString(CultureInfo.InvariantCulture));
}

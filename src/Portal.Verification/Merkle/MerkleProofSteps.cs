using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Merkle;

/// <summary>Which side of the running hash a proof element is hashed on.</summary>
public enum ProofSide
{
    /// <summary>The element is the left child: <c>HASH(0x01 ‖ element ‖ running)</c>.</summary>
    Left,

    /// <summary>The element is the right child: <c>HASH(0x01 ‖ running ‖ element)</c>.</summary>
    Right,
}

/// <summary>One step of a proof walk: the element, its side, and the running hash(es) after it.</summary>
/// <param name="Index">Position of the element in the proof (after the prepended seed for consistency proofs).</param>
/// <param name="Element">The proof element, hex.</param>
/// <param name="Side">Side of the element for the (second) running hash.</param>
/// <param name="Running">The running hash after this step (for consistency proofs: the second tree's).</param>
/// <param name="RunningFirst">Consistency proofs only: the first tree's running hash after this step, or null when this element does not touch it.</param>
public sealed record ProofStep(int Index, string Element, ProofSide Side, string Running, string? RunningFirst = null);

/// <summary>A proof walked step by step, for showing on screen; <see cref="Result"/> is what the fast verifier says.</summary>
/// <param name="Seed">The starting hash: the leaf hash (inclusion) or the seed subtree root (consistency).</param>
/// <param name="Steps">Every hashing step, in order.</param>
/// <param name="Root">The recomputed (second) root, or null when the proof is malformed.</param>
/// <param name="RootFirst">Consistency proofs: the recomputed first root.</param>
/// <param name="Result">The verdict of <see cref="MerkleProofVerifier"/> on the same inputs.</param>
public sealed record ProofWalk(string Seed, IReadOnlyList<ProofStep> Steps, string? Root, string? RootFirst, ProofResult Result);

/// <summary>
/// The RFC 9162 verification algorithms written out literally (§2.1.3.2 inclusion, §2.1.4.2
/// consistency), recording each step so a person can follow the hashes. The verdict comes from
/// <see cref="MerkleProofVerifier"/>; tests check that both compute the same roots.
/// </summary>
public static class MerkleProofSteps
{
    /// <summary>Walks an inclusion proof of <paramref name="leafHash"/> at <paramref name="index"/> in a tree of <paramref name="size"/> against <paramref name="root"/>.</summary>
    public static ProofWalk Inclusion(long index, long size, byte[] leafHash, IReadOnlyList<byte[]> proof, byte[] root)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        ArgumentNullException.ThrowIfNull(proof);
        var result = MerkleProofVerifier.VerifyInclusion(index, size, leafHash, proof, root);
        var steps = new List<ProofStep>();
        if (index < 0 || index >= size || leafHash.Length != MerkleHasher.HashSize || proof.Any(p => p.Length != MerkleHasher.HashSize))
            return new ProofWalk(HashHex.ToHex(leafHash), steps, null, null, result);

        long fn = index, sn = size - 1;
        var r = leafHash;
        for (var i = 0; i < proof.Count; i++)
        {
            if (sn == 0)
                return new ProofWalk(HashHex.ToHex(leafHash), steps, null, null, result);
            var p = proof[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHasher.HashChildren(p, r);
                steps.Add(new ProofStep(i, HashHex.ToHex(p), ProofSide.Left, HashHex.ToHex(r)));
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = MerkleHasher.HashChildren(r, p);
                steps.Add(new ProofStep(i, HashHex.ToHex(p), ProofSide.Right, HashHex.ToHex(r)));
            }
            fn >>= 1;
            sn >>= 1;
        }
        return new ProofWalk(HashHex.ToHex(leafHash), steps, sn == 0 ? HashHex.ToHex(r) : null, null, result);
    }

    /// <summary>Walks a consistency proof from (<paramref name="size1"/>, <paramref name="root1"/>) to (<paramref name="size2"/>, <paramref name="root2"/>).</summary>
    public static ProofWalk Consistency(long size1, long size2, IReadOnlyList<byte[]> proof, byte[] root1, byte[] root2)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(root1);
        var result = MerkleProofVerifier.VerifyConsistency(size1, size2, proof, root1, root2);
        var steps = new List<ProofStep>();
        if (size1 <= 0 || size1 >= size2 || proof.Any(p => p.Length != MerkleHasher.HashSize))
        {
            var same = size1 == size2 ? HashHex.ToHex(root1) : null;
            return new ProofWalk(HashHex.ToHex(root1), steps, same, same, result);
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((size1 & (size1 - 1)) == 0)
            path.Add(root1);
        path.AddRange(proof);
        if (path.Count == 0)
            return new ProofWalk(HashHex.ToHex(root1), steps, null, null, result);

        long fn = size1 - 1, sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            if (sn == 0)
                return new ProofWalk(HashHex.ToHex(path[0]), steps, null, null, result);
            var c = path[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHasher.HashChildren(c, fr);
                sr = MerkleHasher.HashChildren(c, sr);
                steps.Add(new ProofStep(i, HashHex.ToHex(c), ProofSide.Left, HashHex.ToHex(sr), HashHex.ToHex(fr)));
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = MerkleHasher.HashChildren(sr, c);
                steps.Add(new ProofStep(i, HashHex.ToHex(c), ProofSide.Right, HashHex.ToHex(sr)));
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0
            ? new ProofWalk(HashHex.ToHex(path[0]), steps, HashHex.ToHex(sr), HashHex.ToHex(fr), result)
            : new ProofWalk(HashHex.ToHex(path[0]), steps, null, null, result);
    }
}

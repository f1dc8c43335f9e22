using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

/// <summary>
/// Every valid proof of trees up to 32 leaves, mutated in every way transparency-dev probes: each
/// probe must fail, and the assertion names every probe that did not.
/// </summary>
public class ProofMutationTests
{
    private const int MaxSize = 32;
    private static readonly List<byte[]> Data = Rfc9162Reference.Leaves(2 * MaxSize + 1);
    private static readonly MerkleTree Tree = BuildTree();
    private static readonly byte[] SomeHash = Convert.FromHexString("abacaba000000000000000000000000000000000000000000060061e00123456");

    private static MerkleTree BuildTree()
    {
        var tree = new MerkleTree();
        Data.ForEach(d => tree.AppendLeaf(d));
        return tree;
    }

    private static List<byte[]> With(IReadOnlyList<byte[]> proof, Action<List<byte[]>> change)
    {
        var copy = proof.Select(p => (byte[])p.Clone()).ToList();
        change(copy);
        return copy;
    }

    // One bit per byte position of each element, the bit index rotating with the byte index, so
    // every byte and every bit position is flipped somewhere.
    private static IEnumerable<(string Desc, List<byte[]> Proof)> BitFlips(IReadOnlyList<byte[]> proof)
    {
        for (int e = 0; e < proof.Count; e++)
        {
            for (int b = 0; b < MerkleHasher.HashSize; b++)
            {
                int element = e, position = b, bit = (b + e) % 8;
                yield return ($"proof[{element}] byte {position} bit {bit} flipped",
                    With(proof, p => p[element][position] ^= (byte)(1 << bit)));
            }
        }
    }

    private static IEnumerable<(string Desc, List<byte[]> Proof)> Reshapes(IReadOnlyList<byte[]> proof, byte[] root)
    {
        yield return ("trailing zero element", With(proof, p => p.Add(new byte[32])));
        yield return ("trailing root element", With(proof, p => p.Add(root)));
        yield return ("trailing empty element", With(proof, p => p.Add([])));
        yield return ("preceding zero element", With(proof, p => p.Insert(0, new byte[32])));
        yield return ("preceding root element", With(proof, p => p.Insert(0, root)));
        if (proof.Count > 0)
        {
            yield return ("last element removed", With(proof, p => p.RemoveAt(p.Count - 1)));
            yield return ("first element removed", With(proof, p => p.RemoveAt(0)));
            yield return ("preceding copy of proof[0]", With(proof, p => p.Insert(0, p[0])));
            yield return ("element replaced", With(proof, p => p[^1] = SomeHash));
        }

        if (proof.Count > 1)
        {
            yield return ("inserted element", With(proof, p => p.Insert(1, SomeHash)));
            yield return ("first two elements swapped", With(proof, p => (p[0], p[1]) = (p[1], p[0])));
        }
    }

    [Fact]
    public void VerifyInclusion_EveryMutationOfEveryProofUpTo32_Fails()
    {
        var passed = new List<string>();
        int probes = 0;
        for (int n = 1; n <= MaxSize; n++)
        {
            var root = Tree.RootHash(n);
            for (int m = 0; m < n; m++)
            {
                var proof = Tree.InclusionProof(m, n);
                var leaf = Tree.LeafHash(m);
                MerkleProofVerifier.VerifyInclusion(m, n, leaf, proof, root).IsValid.ShouldBeTrue($"original {m}/{n}");

                var mustFail = new List<(string, long, long, byte[], IReadOnlyList<byte[]>, byte[])>
                {
                    ("index - 1", m - 1, n, leaf, proof, root),
                    ("index + 1", m + 1, n, leaf, proof, root),
                    ("index ^ 2", m ^ 2, n, leaf, proof, root),
                    ("size * 2", m, n * 2, leaf, proof, root),
                    ("size / 2", m, n / 2, leaf, proof, root),
                    ("wrong leaf", m, n, MerkleHasher.HashLeaf("WrongLeaf"u8), proof, root),
                    ("leaf hash used as raw data", m, n, MerkleHasher.HashLeaf(leaf), proof, root),
                    ("empty root", m, n, leaf, proof, MerkleHasher.EmptyRoot.ToArray()),
                    ("random root", m, n, leaf, proof, SomeHash),
                    ("root of size - 1", m, n, leaf, proof, Tree.RootHash(n - 1)),
                    ("root of size + 1", m, n, leaf, proof, Tree.RootHash(n + 1)),
                };
                mustFail.AddRange(BitFlips(proof).Concat(Reshapes(proof, root)).Select(x => (x.Desc, (long)m, (long)n, leaf, (IReadOnlyList<byte[]>)x.Proof, root)));

                foreach (var (desc, index, size, leafHash, p, r) in mustFail)
                {
                    probes++;
                    if (MerkleProofVerifier.VerifyInclusion(index, size, leafHash, p, r).IsValid)
                    {
                        passed.Add($"{m}/{n}: {desc}");
                    }
                }

                // size ± 1 with the same root: RFC 9162 §2.1.3.2 itself accepts the claim when the
                // proof's shape is the same for both sizes (a proof does not commit to the size; the
                // signed checkpoint does). Such a probe must fail exactly when the RFC algorithm fails.
                foreach (long size in new[] { n - 1L, n + 1L })
                {
                    probes++;
                    bool ours = MerkleProofVerifier.VerifyInclusion(m, size, leaf, proof, root).IsValid;
                    bool rfc = Rfc9162Reference.VerifyInclusion(m, size, leaf, proof, root);
                    if (ours != rfc)
                    {
                        passed.Add($"{m}/{n}: size {size} gave {ours}, RFC algorithm {rfc}");
                    }
                }
            }
        }

        passed.ShouldBeEmpty($"{passed.Count} of {probes} probes verified: {string.Join("; ", passed.Take(20))}");
    }

    [Fact]
    public void VerifyConsistency_EveryMutationOfEveryProofUpTo32_Fails()
    {
        var passed = new List<string>();
        int probes = 0;
        for (int n = 2; n <= MaxSize; n++)
        {
            var root2 = Tree.RootHash(n);
            for (int m = 1; m < n; m++)
            {
                var root1 = Tree.RootHash(m);
                var proof = Tree.ConsistencyProof(m, n);
                MerkleProofVerifier.VerifyConsistency(m, n, proof, root1, root2).IsValid.ShouldBeTrue($"original {m}->{n}");

                var mustFail = new List<(string, long, long, IReadOnlyList<byte[]>, byte[], byte[])>
                {
                    ("size1 - 1", m - 1, n, proof, root1, root2),
                    ("size1 + 1", m + 1, n, proof, root1, root2),
                    ("size1 ^ 2", m ^ 2, n, proof, root1, root2),
                    ("size2 * 2", m, n * 2, proof, root1, root2),
                    ("size2 / 2", m, n / 2, proof, root1, root2),
                    ("wrong root1", m, n, proof, SomeHash, root2),
                    ("wrong root2", m, n, proof, root1, SomeHash),
                    ("swapped roots", m, n, proof, root2, root1),
                    ("root1 of size1 - 1", m, n, proof, Tree.RootHash(m - 1), root2),
                    ("root2 of size2 + 1", m, n, proof, root1, Tree.RootHash(n + 1)),
                    ("empty proof", m, n, [], root1, root2),
                };
                mustFail.AddRange(BitFlips(proof).Concat(Reshapes(proof, root1)).Concat(Reshapes(proof, root2).Take(2).Skip(1))
                    .Select(x => (x.Desc, (long)m, (long)n, (IReadOnlyList<byte[]>)x.Proof, root1, root2)));

                foreach (var (desc, size1, size2, p, r1, r2) in mustFail)
                {
                    probes++;
                    if (MerkleProofVerifier.VerifyConsistency(size1, size2, p, r1, r2).IsValid)
                    {
                        passed.Add($"{m}->{n}: {desc}");
                    }
                }

                // size2 ± 1 with the same roots: fails exactly when the RFC 9162 §2.1.4.2 algorithm fails.
                foreach (long size2 in new[] { n - 1L, n + 1L })
                {
                    probes++;
                    bool ours = MerkleProofVerifier.VerifyConsistency(m, size2, proof, root1, root2).IsValid;
                    bool rfc = Rfc9162Reference.VerifyConsistency(m, size2, root1, root2, [.. proof]);
                    if (ours != rfc)
                    {
                        passed.Add($"{m}->{n}: size2 {size2} gave {ours}, RFC algorithm {rfc}");
                    }
                }
            }
        }

        passed.ShouldBeEmpty($"{passed.Count} of {probes} probes verified: {string.Join("; ", passed.Take(20))}");
    }
}

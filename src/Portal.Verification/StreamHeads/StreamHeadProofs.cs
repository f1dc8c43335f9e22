using System.Globalization;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.StreamHeads;

/// <summary>Builds and checks the stream-head proofs of version 2 bundles (docs/ledger-format.md §8.7).</summary>
public static class StreamHeadProofs
{
    /// <summary>The proof for <paramref name="stream"/> in the tree over <paramref name="leaves"/> (sorted, §4.1).</summary>
    public static EvidenceStreamHead Build(IReadOnlyList<StreamHeadLeaf> leaves, StreamKey stream) => Prover(leaves)(stream);

    /// <summary>
    /// <see cref="Build"/> for many streams of one tree (an evidence set's bundles): the tree of <paramref name="leaves"/> is
    /// built once, not once per stream.
    /// </summary>
    public static Func<StreamKey, EvidenceStreamHead> Prover(IReadOnlyList<StreamHeadLeaf> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var tree = new MerkleTree();
        foreach (var leaf in leaves)
            tree.AppendLeafHash(leaf.Hash());
        return stream => Prove(leaves, tree, stream);
    }

    private static EvidenceStreamHead Prove(IReadOnlyList<StreamHeadLeaf> leaves, MerkleTree tree, StreamKey stream)
    {
        EvidenceHeadEntry Entry(int index)
        {
            var leaf = leaves[index];
            return new EvidenceHeadEntry
            {
                Index = index,
                StreamType = leaf.StreamType,
                StreamId = leaf.StreamId,
                StreamSeq = leaf.StreamSeq,
                LeafHash = HashHex.ToHex(leaf.LeafHash),
                Proof = tree.InclusionProof(index, leaves.Count).Select(h => HashHex.ToHex(h)).ToArray(),
            };
        }

        // First leaf whose key is not below the stream's.
        int lo = 0, hi = leaves.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (StreamHeadLeaf.CompareKeys(leaves[mid].Key, stream) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < leaves.Count && StreamHeadLeaf.CompareKeys(leaves[lo].Key, stream) == 0)
            return new EvidenceStreamHead { Count = leaves.Count, Head = Entry(lo), Left = null, Right = null };
        return new EvidenceStreamHead
        {
            Count = leaves.Count,
            Head = null,
            Left = lo > 0 ? Entry(lo - 1) : null,
            Right = lo < leaves.Count ? Entry(lo) : null,
        };
    }

    /// <summary>
    /// Checks <paramref name="proof"/> for <paramref name="stream"/> against <paramref name="commitment"/>:
    /// every entry's inclusion, and either the head entry names the stream or the neighbours are adjacent and
    /// enclose its key. Failures go to <paramref name="fail"/> (check, expected, actual, message).
    /// Returns the proven head, null when absence was proven or the proof failed.
    /// </summary>
    public static StreamHeadLeaf? Verify(EvidenceStreamHead proof, StreamKey stream, StreamHeadCommitment commitment,
        Action<string, string, string, string> fail)
    {
        static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        if (proof.Count != commitment.Count)
        {
            fail("stream_head", N(commitment.Count), N(proof.Count), "stream_head.count is not the checkpoint's stream-heads count");
            return null;
        }
        StreamHeadLeaf? Check(EvidenceHeadEntry entry, string name)
        {
            StreamHeadLeaf leaf;
            byte[][] path;
            try
            {
                leaf = new StreamHeadLeaf(entry.StreamType, entry.StreamId, entry.StreamSeq, HashHex.Parse(entry.LeafHash));
                path = entry.Proof.Select(HashHex.Parse).ToArray();
                leaf.ToBytes();
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                fail("stream_head", "a well-formed head entry", "malformed", $"stream_head.{name}: {ex.Message}");
                return null;
            }
            var result = MerkleProofVerifier.VerifyInclusion(entry.Index, proof.Count, leaf.Hash(), path, commitment.Root);
            if (!result.IsValid)
            {
                fail("stream_head", HashHex.ToHex(commitment.Root), result.CalculatedRoot is null ? "" : HashHex.ToHex(result.CalculatedRoot),
                    $"stream_head.{name} does not verify against the checkpoint's stream-head root: {result.Message}");
                return null;
            }
            return leaf;
        }

        if (proof.Head is { } head)
        {
            if (proof.Left is not null || proof.Right is not null)
                fail("stream_head", "left and right null", "neighbours given", "a head proof has no neighbours");
            var leaf = Check(head, "head");
            if (leaf is not null && leaf.Key != stream)
            {
                fail("stream_head", $"{stream.Type}/{stream.Id}", $"{leaf.StreamType}/{leaf.StreamId}", "stream_head.head is another stream's head");
                return null;
            }
            return leaf;
        }

        var left = proof.Left is { } l ? Check(l, "left") : null;
        var right = proof.Right is { } r ? Check(r, "right") : null;
        if ((proof.Left is not null && left is null) || (proof.Right is not null && right is null))
            return null;
        var leftIndex = proof.Left?.Index ?? -1;
        var rightIndex = proof.Right?.Index ?? proof.Count;
        if (rightIndex != leftIndex + 1)
            fail("stream_head", $"adjacent leaves ({N(leftIndex)}, {N(leftIndex + 1)})", $"({N(leftIndex)}, {N(rightIndex)})",
                "the absence proof's neighbours are not adjacent in the stream-head tree");
        if (left is not null && StreamHeadLeaf.CompareKeys(left.Key, stream) >= 0)
            fail("stream_head", $"a key before {stream.Type}/{stream.Id}", $"{left.StreamType}/{left.StreamId}",
                "the absence proof's left neighbour does not sort before the stream");
        if (right is not null && StreamHeadLeaf.CompareKeys(stream, right.Key) >= 0)
            fail("stream_head", $"a key after {stream.Type}/{stream.Id}", $"{right.StreamType}/{right.StreamId}",
                "the absence proof's right neighbour does not sort after the stream");
        return null;
    }
}

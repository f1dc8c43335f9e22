using System.Globalization;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Checks inclusion and consistency proof documents offline (docs/ledger-format.md §8.2, §8.3). A proof against
/// a root that no checkpoint signs is reported as a finding: the arithmetic may hold, but it proves nothing to
/// a third party.
/// </summary>
public static class ProofDocumentVerifier
{
    public static EvidenceReport Verify(InclusionProofDocument doc, CheckpointPublicKey? trustedKey = null)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message, string? where = null) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message, where));

        CheckFormat(doc.Format, InclusionProofDocument.FormatName, Fail);
        var key = SignedHeadChecks.ReadKey(doc.PublicKeyPem, doc.KeyId, trustedKey, Fail);
        var root = SignedHeadChecks.TryHash(doc.RootHash, doc.Seq, Fail, "$.root_hash");
        CheckSignedRoot(doc.Checkpoint, "$.checkpoint", key, doc.TreeSize, root, Fail);
        var leafHash = SignedHeadChecks.CheckLeafBytes(doc.Seq, doc.Canonical, doc.LeafHash, Fail, "$");
        var record = SignedHeadChecks.CheckRecord(doc.Seq, doc.Canonical, Fail, "$");
        SignedHeadChecks.CheckPosition(doc.Seq, doc.LeafIndex, record, Fail, "$.seq");
        if (SignedHeadChecks.ParseHashes(doc.Proof, doc.Seq, Fail, "$.proof") is { } proof)
        {
            SignedHeadChecks.CheckPrevHashFromProof(doc.LeafIndex, proof, record, Fail, "$");
            if (root is not null)
            {
                var result = MerkleProofVerifier.VerifyInclusion(doc.LeafIndex, doc.TreeSize, leafHash, proof, root);
                if (!result.IsValid)
                    Fail("inclusion_proof", doc.Seq, doc.RootHash, result.CalculatedRoot is null ? "" : HashHex.ToHex(result.CalculatedRoot), result.Message, "$.proof");
            }
        }
        return new EvidenceReport(findings, 1, doc.TreeSize, doc.RootHash, key?.KeyId ?? "", trustedKey is not null);
    }

    /// <summary>
    /// A consistency proof (§8.3). From size 0 it needs no first checkpoint (<c>checkpoint1</c> is null and root1 is
    /// SHA-256 of nothing) and proves only that the second checkpoint is signed; between equal sizes the proof is
    /// empty and the two roots are equal. Both checkpoints name the same origin.
    /// </summary>
    public static EvidenceReport Verify(ConsistencyProofDocument doc, CheckpointPublicKey? trustedKey = null)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message, string? where = null) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message, where));

        CheckFormat(doc.Format, ConsistencyProofDocument.FormatName, Fail);
        var key = SignedHeadChecks.ReadKey(doc.PublicKeyPem, doc.KeyId, trustedKey, Fail);
        var root1 = SignedHeadChecks.TryHash(doc.Root1, null, Fail, "$.root1");
        var root2 = SignedHeadChecks.TryHash(doc.Root2, null, Fail, "$.root2");
        var checkpoint2 = CheckSignedRoot(doc.Checkpoint2, "$.checkpoint2", key, doc.Size2, root2, Fail);
        if (doc.Size1 == 0)
        {
            // An empty first tree needs no signature: its root is SHA-256 of nothing, and no checkpoint of size 0 is made.
            if (doc.Checkpoint1 is not null)
                Fail("checkpoint", 0, "null: no checkpoint signs the empty tree", "a checkpoint", "checkpoint1 of a proof from size 0 is null", "$.checkpoint1");
        }
        else if (CheckSignedRoot(doc.Checkpoint1, "$.checkpoint1", key, doc.Size1, root1, Fail) is { } checkpoint1
                 && checkpoint2 is not null && checkpoint1.Origin != checkpoint2.Origin)
        {
            Fail("origin", doc.Size1, checkpoint2.Origin, checkpoint1.Origin, "both checkpoints of a consistency proof name the same log", "$.checkpoint1.text");
        }
        if (SignedHeadChecks.ParseHashes(doc.Proof, null, Fail, "$.proof") is { } proof && root1 is not null && root2 is not null)
        {
            var result = MerkleProofVerifier.VerifyConsistency(doc.Size1, doc.Size2, proof, root1, root2);
            if (!result.IsValid)
                Fail("consistency_proof", null, $"{doc.Root1} → {doc.Root2}", result.CalculatedRoot is null ? "" : HashHex.ToHex(result.CalculatedRoot), result.Message, "$.proof");
        }
        return new EvidenceReport(findings, 0, doc.Size2, doc.Root2, key?.KeyId ?? "", trustedKey is not null);
    }

    private static void CheckFormat(string format, string want, Fail fail)
    {
        if (format != want)
            fail("format", null, want, format, "unknown document format", "$.format");
    }

    private static Checkpoint? CheckSignedRoot(EvidenceCheckpoint? signed, string where, CheckpointPublicKey? key, long size, byte[]? root, Fail fail)
    {
        if (signed is null)
        {
            fail("checkpoint", size, $"a signed checkpoint of size {size}", "none",
                "the root is not signed by any checkpoint: the proof holds only against an unsigned root", where);
            return null;
        }
        if (SignedHeadChecks.ReadCheckpoint(signed, key, fail, where) is not { } checkpoint)
            return null;
        if (checkpoint.Size != size)
            fail("checkpoint", size, size.ToString(CultureInfo.InvariantCulture), checkpoint.Size.ToString(CultureInfo.InvariantCulture),
                "the checkpoint is for another tree size", where + ".text");
        if (root is not null && !checkpoint.RootHash.AsSpan().SequenceEqual(root))
            fail("checkpoint_root", size, HashHex.ToHex(checkpoint.RootHash), HashHex.ToHex(root), "the document's root is not the checkpoint's root", where + ".text");
        return checkpoint;
    }
}

using System.Globalization;
using System.Text.Json;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Checks inclusion and consistency proof documents offline. A proof against a root that no checkpoint
/// signs is reported as a finding: the arithmetic may hold, but it proves nothing to a third party.
/// </summary>
public static class ProofDocumentVerifier
{
    public static EvidenceReport Verify(InclusionProofDocument doc, CheckpointPublicKey? trustedKey = null)
    {
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message));

        var key = CheckSignedRoot(doc.Checkpoint, doc.PublicKeyPem, doc.KeyId, doc.TreeSize, doc.RootHash, trustedKey, Fail);
        var leafHash = SignedHeadChecks.CheckLeafBytes(doc.Seq, doc.Canonical, doc.LeafHash, Fail);
        if (RecordSeq(doc.Canonical) is var recordSeq && (recordSeq != doc.Seq || doc.LeafIndex != doc.Seq - 1))
            Fail("leaf_index", doc.Seq, $"seq {recordSeq?.ToString(CultureInfo.InvariantCulture) ?? "?"}, leaf_index {doc.Seq - 1}",
                $"seq {doc.Seq}, leaf_index {doc.LeafIndex}", "seq and leaf_index disagree with the event record");
        if (SignedHeadChecks.ParseHashes(doc.Proof, doc.Seq, Fail) is { } proof && TryHash(doc.RootHash, Fail) is { } root)
        {
            var result = MerkleProofVerifier.VerifyInclusion(doc.LeafIndex, doc.TreeSize, leafHash, proof, root);
            if (!result.IsValid)
                Fail("inclusion_proof", doc.Seq, doc.RootHash, result.CalculatedRoot is null ? "" : HashHex.ToHex(result.CalculatedRoot), result.Message);
        }
        return new EvidenceReport(findings, 1, doc.TreeSize, doc.RootHash, key?.KeyId ?? "", trustedKey is not null);
    }

    public static EvidenceReport Verify(ConsistencyProofDocument doc, CheckpointPublicKey? trustedKey = null)
    {
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message));

        var key = CheckSignedRoot(doc.Checkpoint2, doc.PublicKeyPem, doc.KeyId, doc.Size2, doc.Root2, trustedKey, Fail);
        // An empty first tree needs no signature: its root is SHA-256 of nothing.
        if (doc.Size1 > 0)
            CheckSignedRoot(doc.Checkpoint1, doc.PublicKeyPem, doc.KeyId, doc.Size1, doc.Root1, trustedKey, Fail, reportKey: false);
        if (SignedHeadChecks.ParseHashes(doc.Proof, null, Fail) is { } proof
            && TryHash(doc.Root1, Fail) is { } root1 && TryHash(doc.Root2, Fail) is { } root2)
        {
            var result = MerkleProofVerifier.VerifyConsistency(doc.Size1, doc.Size2, proof, root1, root2);
            if (!result.IsValid)
                Fail("consistency_proof", null, $"{doc.Root1} → {doc.Root2}", result.CalculatedRoot is null ? "" : HashHex.ToHex(result.CalculatedRoot), result.Message);
        }
        return new EvidenceReport(findings, 0, doc.Size2, doc.Root2, key?.KeyId ?? "", trustedKey is not null);
    }

    private static CheckpointPublicKey? CheckSignedRoot(EvidenceCheckpoint? signed, string? pem, string? keyId, long size, string root,
        CheckpointPublicKey? trusted, Action<string, long?, string, string, string> fail, bool reportKey = true)
    {
        var key = reportKey ? SignedHeadChecks.ReadKey(pem, keyId, trusted, fail) : Quiet(pem, trusted);
        if (signed is null)
        {
            fail("checkpoint", size, $"a signed checkpoint of size {size}", "none",
                "the root is not signed by any checkpoint: the proof holds only against an unsigned root");
            return key;
        }
        if (SignedHeadChecks.ReadCheckpoint(signed, key, fail) is { } checkpoint)
        {
            if (checkpoint.Size != size)
                fail("checkpoint", size, size.ToString(CultureInfo.InvariantCulture), checkpoint.Size.ToString(CultureInfo.InvariantCulture),
                    "the checkpoint is for another tree size");
            if (HashHex.ToHex(checkpoint.RootHash) != root)
                fail("checkpoint_root", size, HashHex.ToHex(checkpoint.RootHash), root, "the document's root is not the checkpoint's root");
        }
        return key;
    }

    private static CheckpointPublicKey? Quiet(string? pem, CheckpointPublicKey? trusted)
    {
        if (trusted is not null || pem is null) return trusted;
        try { return CheckpointPublicKey.FromPem(pem); }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException) { return null; }
    }

    private static byte[]? TryHash(string hex, Action<string, long?, string, string, string> fail)
    {
        try { return HashHex.Parse(hex); }
        catch (FormatException ex)
        {
            fail("root", null, "64-character lowercase hex", hex, ex.Message);
            return null;
        }
    }

    private static long? RecordSeq(string canonical)
    {
        try
        {
            using var doc = JsonDocument.Parse(canonical);
            return doc.RootElement.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var value) ? value : null;
        }
        catch (JsonException) { return null; }
    }
}

using System.Security.Cryptography;
using System.Text;
using AuditPortal.Verification.Canonical;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.Evidence;

/// <summary>The checks every offline document shares: the key, the signed checkpoint, an event's leaf bytes.</summary>
internal static class SignedHeadChecks
{
    public static CheckpointPublicKey? ReadKey(string? pem, string? keyId, CheckpointPublicKey? trusted,
        Action<string, long?, string, string, string> fail)
    {
        if (pem is null)
        {
            if (trusted is null)
                fail("public_key", null, "a PEM P-256 public key", "none", "the document carries no public key and none was given");
            return trusted;
        }
        CheckpointPublicKey key;
        try { key = CheckpointPublicKey.FromPem(pem); }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            fail("public_key", null, "a PEM P-256 public key", "unreadable", ex.Message);
            return trusted;
        }
        if (key.KeyId != keyId)
            fail("key_id", null, key.KeyId, keyId ?? "none", "key_id is not the SHA-256 of the bundled public key");
        if (trusted is not null && trusted.KeyId != key.KeyId)
        {
            fail("trusted_key", null, trusted.KeyId, key.KeyId, "the document was signed with a key other than the trusted one");
            return trusted;
        }
        return key;
    }

    public static Checkpoint? ReadCheckpoint(EvidenceCheckpoint signed, CheckpointPublicKey? key,
        Action<string, long?, string, string, string> fail)
    {
        Checkpoint checkpoint;
        byte[] signature;
        try
        {
            checkpoint = Checkpoint.Parse(signed.Text);
            signature = Convert.FromBase64String(signed.Signature);
        }
        catch (FormatException ex)
        {
            fail("checkpoint", null, "a well-formed checkpoint and base64 signature", "malformed", ex.Message);
            return null;
        }
        if (key is null || !key.Verifies(new SignedCheckpoint(checkpoint, signature)))
            fail("checkpoint_signature", checkpoint.Size, "valid ECDSA P-256/SHA-256 signature", "invalid",
                "the checkpoint signature does not verify with the public key");
        return checkpoint;
    }

    /// <summary>Checks canonical form and leaf hash of one event; returns the recomputed leaf hash.</summary>
    public static byte[] CheckLeafBytes(long seq, string canonical, string claimedLeafHash,
        Action<string, long?, string, string, string> fail)
    {
        var bytes = Encoding.UTF8.GetBytes(canonical);
        if (!JsonCanonicalizer.IsCanonical(bytes))
            fail("canonical", seq, "RFC 8785 canonical JSON", "not canonical", "the event bytes are not in canonical form");
        var leafHash = MerkleHasher.HashLeaf(bytes);
        if (HashHex.ToHex(leafHash) != claimedLeafHash)
            fail("leaf_hash", seq, HashHex.ToHex(leafHash), claimedLeafHash, "leaf_hash is not SHA-256(0x00 ‖ canonical)");
        return leafHash;
    }

    public static byte[][]? ParseHashes(IReadOnlyList<string> hex, long? seq, Action<string, long?, string, string, string> fail)
    {
        try { return hex.Select(HashHex.Parse).ToArray(); }
        catch (FormatException ex)
        {
            fail("proof", seq, "64-character lowercase hex hashes", "malformed", ex.Message);
            return null;
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AuditPortal.Verification.Canonical;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.Evidence;

/// <summary>Reports one finding: check (rule), seq, expected, actual, message, where (JSON path).</summary>
internal delegate void Fail(string check, long? seq, string expected, string actual, string message, string? where = null);

/// <summary>The checks every offline document shares: the key, the signed checkpoint, an event's leaf bytes and record.</summary>
internal static class SignedHeadChecks
{
    /// <summary>
    /// Reads the document's key (§8.5): exactly the PEM of a P-256 SubjectPublicKeyInfo in its one DER form,
    /// <c>key_id</c> the hex SHA-256 of that DER, and — when a trusted key is given — the same DER bytes.
    /// </summary>
    public static CheckpointPublicKey? ReadKey(string pem, string keyId, CheckpointPublicKey? trusted, Fail fail)
    {
        CheckpointPublicKey key;
        try
        {
            key = CheckpointPublicKey.FromSubjectPublicKeyInfo(PemDer(pem));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or FormatException)
        {
            fail("public_key", null, "the PEM of a P-256 SubjectPublicKeyInfo", "unreadable", ex.Message, "$.public_key");
            return trusted;
        }
        if (key.ToPem() != pem)
            fail("public_key", null, "the PEM exactly as §8.5 writes it (64-character lines, LF)", "another text of the same key",
                "the public key's PEM text is not in its one form", "$.public_key");
        if (key.KeyId != keyId)
            fail("key_id", null, key.KeyId, keyId, "key_id is not the SHA-256 of the bundled public key's DER", "$.key_id");
        if (trusted is not null && trusted.KeyId != key.KeyId)
        {
            fail("trusted_key", null, trusted.KeyId, key.KeyId, "the document was signed with a key other than the trusted one", "$.public_key");
            return trusted;
        }
        return key;
    }

    // One PEM block and nothing else; its base64 strict (§1).
    private static byte[] PemDer(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY")
            throw new FormatException("got no PEM 'PUBLIC KEY' block, want one");
        if (fields.Location.Start.Value != 0 || pem[fields.Location.End..].TrimEnd('\n').Length != 0)
            throw new FormatException("got text around the PEM block, want the block alone");
        var base64 = pem[fields.Base64Data].Replace("\n", "", StringComparison.Ordinal);
        return StrictBase64.TryDecode(base64, out var problem) ?? throw new FormatException("PEM base64: " + problem);
    }

    /// <summary>
    /// Parses a signed checkpoint strictly (§5): the text, an origin of the ledger log (evidence is about the
    /// ledger: an access-log checkpoint signed by the same key proves nothing about it), the strict base64
    /// DER signature, and the signature itself.
    /// </summary>
    public static Checkpoint? ReadCheckpoint(EvidenceCheckpoint signed, CheckpointPublicKey? key, Fail fail, string where)
    {
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parse(signed.Text);
        }
        catch (FormatException ex)
        {
            fail("checkpoint", null, "checkpoint text of §5", "malformed", ex.Message, where + ".text");
            return null;
        }
        if (CheckpointOrigin.Log(checkpoint.Origin) != CheckpointOrigin.Ledger)
            fail("origin", checkpoint.Size, $"{CheckpointOrigin.Ledger}/<deployment>", checkpoint.Origin,
                "evidence is checked against checkpoints of the ledger log only", where + ".text");
        if (StrictBase64.TryDecode(signed.Signature, out var problem) is not { } signature)
        {
            fail("base64", checkpoint.Size, "strict base64 (§1)", Truncated(signed.Signature), "checkpoint signature: " + problem, where + ".signature");
            return checkpoint;
        }
        if (key is null || !key.Verifies(new SignedCheckpoint(checkpoint, signature)))
            fail("checkpoint_signature", checkpoint.Size, "valid ECDSA P-256/SHA-256 signature", "invalid",
                "the checkpoint signature does not verify with the public key", where + ".signature");
        return checkpoint;
    }

    /// <summary>Checks canonical form and leaf hash of one event; returns the recomputed leaf hash.</summary>
    public static byte[] CheckLeafBytes(long seq, string canonical, string claimedLeafHash, Fail fail, string where)
    {
        var bytes = Encoding.UTF8.GetBytes(canonical);
        if (!JsonCanonicalizer.IsCanonical(bytes))
            fail("canonical", seq, "RFC 8785 canonical JSON", "not canonical", "the event bytes are not in canonical form", where + ".canonical");
        var leafHash = MerkleHasher.HashLeaf(bytes);
        if (TryHash(claimedLeafHash, seq, fail, where + ".leaf_hash") is not null && HashHex.ToHex(leafHash) != claimedLeafHash)
            fail("leaf_hash", seq, HashHex.ToHex(leafHash), Truncated(claimedLeafHash), "leaf_hash is not SHA-256(0x00 ‖ canonical)", where + ".leaf_hash");
        return leafHash;
    }

    /// <summary>Checks every §2 rule of one record (<see cref="RecordRules"/>); returns its linking members when readable.</summary>
    public static RecordFields? CheckRecord(long seq, string canonical, Fail fail, string where) =>
        RecordRules.Check(canonical, v => fail(v.Rule, seq, v.Want, v.Got, $"the event record breaks a rule of §2 at {v.Member}", $"{where}.canonical/{v.Member}"));

    /// <summary>
    /// The position members of a document (§8.4): seq ≥ 1, leaf_index = seq − 1, and both equal to the record's.
    /// </summary>
    public static void CheckPosition(long seq, long leafIndex, RecordFields? record, Fail fail, string where)
    {
        if (record is not null && record.Seq != seq || leafIndex != seq - 1)
            fail("leaf_index", seq, $"seq {record?.Seq.ToString(CultureInfo.InvariantCulture) ?? "≥ 1"}, leaf_index {(record?.Seq ?? seq) - 1}",
                $"seq {seq}, leaf_index {leafIndex}", "seq and leaf_index disagree with the event record", where);
    }

    /// <summary>
    /// prev_hash where the audit path determines the predecessor's leaf hash (§8.4): at an odd leaf index the
    /// first element of the path is the leaf hash of index − 1, the event with seq − 1.
    /// </summary>
    public static void CheckPrevHashFromProof(long leafIndex, IReadOnlyList<byte[]> proof, RecordFields? record, Fail fail, string where)
    {
        if (record is null || leafIndex % 2 == 0 || proof.Count == 0)
            return;
        if (!record.PrevHash.AsSpan().SequenceEqual(proof[0]))
            fail("prev_hash", record.Seq, HashHex.ToHex(proof[0]), HashHex.ToHex(record.PrevHash),
                "prev_hash is not the leaf hash of seq − 1, which the inclusion proof's first element is", where + ".canonical/prev_hash");
    }

    public static byte[][]? ParseHashes(IReadOnlyList<string> hex, long? seq, Fail fail, string where)
    {
        var hashes = new byte[hex.Count][];
        for (var i = 0; i < hex.Count; i++)
        {
            if (TryHash(hex[i], seq, fail, $"{where}[{i}]") is not { } hash)
                return null;
            hashes[i] = hash;
        }
        return hashes;
    }

    public static byte[]? TryHash(string hex, long? seq, Fail fail, string where)
    {
        try { return HashHex.Parse(hex); }
        catch (FormatException ex)
        {
            fail("hex", seq, "64 lowercase hex characters", Truncated(hex), ex.Message, where);
            return null;
        }
    }

    public static string Truncated(string text) => text.Length <= 80 ? text : text[..77] + "...";
}

using System.Security.Cryptography;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>The public half of the checkpoint key, with its key id (hex SHA-256 of the DER SubjectPublicKeyInfo).</summary>
public sealed class CheckpointPublicKey
{
    private readonly byte[] subjectPublicKeyInfo;

    private CheckpointPublicKey(byte[] subjectPublicKeyInfo)
    {
        this.subjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyId = HashHex.ToHex(SHA256.HashData(subjectPublicKeyInfo));
    }

    public string KeyId { get; }

    /// <summary>
    /// Reads a DER SubjectPublicKeyInfo. A P-256 key has one DER form here (named curve, uncompressed point,
    /// nothing after it; docs/ledger-format.md §8.5), so comparing DER bytes or key ids compares keys.
    /// </summary>
    public static CheckpointPublicKey FromSubjectPublicKeyInfo(byte[] der)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(der, out var read);
        if (key.KeySize != 256)
            throw new CryptographicException($"checkpoint keys are P-256; got a {key.KeySize}-bit key");
        if (read != der.Length || !key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(der))
            throw new CryptographicException("the SubjectPublicKeyInfo is not in its one DER form (named curve P-256, uncompressed point, nothing after it)");
        return new CheckpointPublicKey((byte[])der.Clone());
    }

    public static CheckpointPublicKey FromPem(string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The C2SP vkey of this key under <paramref name="name"/> (signature type 0x02, docs/ledger-format.md §5.2).</summary>
    public NoteVerifierKey NoteKey(string name) => NoteVerifierKey.ForEcdsa(name, subjectPublicKeyInfo);

    public string ToPem() => PemEncoding.WriteString("PUBLIC KEY", subjectPublicKeyInfo);

    /// <summary>True when <paramref name="signed"/> carries a valid signature by this key.</summary>
    public bool Verifies(SignedCheckpoint signed)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return key.VerifyData(signed.Checkpoint.ToBytes(), signed.Signature, HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
    }
}

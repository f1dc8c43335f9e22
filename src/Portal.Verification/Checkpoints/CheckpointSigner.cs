using System.Security.Cryptography;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>Signs checkpoints with ECDSA P-256 / SHA-256, DER-encoded so <c>openssl dgst -verify</c> accepts them.</summary>
public sealed class CheckpointSigner : IDisposable
{
    private readonly ECDsa key;

    private CheckpointSigner(ECDsa key)
    {
        this.key = key;
        PublicKey = CheckpointPublicKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    public CheckpointPublicKey PublicKey { get; }

    /// <summary>Loads a PEM private key (PKCS#8 or SEC1, as <c>openssl ecparam -genkey</c> writes).</summary>
    public static CheckpointSigner FromPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new CryptographicException($"checkpoint keys are P-256; got a {key.KeySize}-bit key");
        }
        return new CheckpointSigner(key);
    }

    public static CheckpointSigner Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public string ExportPrivateKeyPem() => key.ExportPkcs8PrivateKeyPem();

    public SignedCheckpoint Sign(Checkpoint checkpoint) =>
        new(checkpoint, key.SignData(checkpoint.ToBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public void Dispose() => key.Dispose();
}

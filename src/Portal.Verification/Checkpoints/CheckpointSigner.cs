using System.Security.Cryptography;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>
/// Signs checkpoints: ECDSA P-256 / SHA-256, DER-encoded so <c>openssl dgst -verify</c> accepts it, and — for
/// version 2 checkpoints — a C2SP signed note with that signature (type 0x02) and an Ed25519 one (type 0x01),
/// both under the key name of the checkpoint's origin (docs/ledger-format.md §5.2).
/// </summary>
public sealed class CheckpointSigner : IDisposable
{
    private readonly ECDsa key;

    private CheckpointSigner(ECDsa key, Ed25519CheckpointKey? ed25519)
    {
        this.key = key;
        Ed25519 = ed25519;
        PublicKey = CheckpointPublicKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    public CheckpointPublicKey PublicKey { get; }

    /// <summary>The Ed25519 key; without one only version 1 checkpoints can be signed.</summary>
    public Ed25519CheckpointKey? Ed25519 { get; }

    /// <summary>Loads a PEM ECDSA private key (PKCS#8 or SEC1, as <c>openssl ecparam -genkey</c> writes) and optionally the Ed25519 one.</summary>
    public static CheckpointSigner FromPem(string pem, string? ed25519Pem = null)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new CryptographicException($"checkpoint keys are P-256; got a {key.KeySize}-bit key");
        }
        return new CheckpointSigner(key, ed25519Pem is null ? null : Ed25519CheckpointKey.FromPem(ed25519Pem));
    }

    public static CheckpointSigner Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), Ed25519CheckpointKey.Generate());

    public string ExportPrivateKeyPem() => key.ExportPkcs8PrivateKeyPem();

    /// <summary>The vkeys of the signing keys for <paramref name="origin"/> (the key name), ECDSA first.</summary>
    public IReadOnlyList<NoteVerifierKey> VerifierKeys(string origin) =>
        Ed25519 is null
            ? [PublicKey.NoteKey(origin)]
            : [PublicKey.NoteKey(origin), NoteVerifierKey.ForEd25519(origin, Ed25519.PublicKey)];

    /// <exception cref="InvalidOperationException">A version 2 checkpoint and no Ed25519 key.</exception>
    public SignedCheckpoint Sign(Checkpoint checkpoint)
    {
        var text = checkpoint.ToBytes();
        var signature = key.SignData(text, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        if (checkpoint.Version == 1)
            return new SignedCheckpoint(checkpoint, signature);
        if (Ed25519 is null)
            throw new InvalidOperationException("a version 2 checkpoint is signed with the Ed25519 key too; none was loaded");
        var keys = VerifierKeys(checkpoint.Origin);
        var note = new SignedNote(checkpoint.ToText(),
        [
            new NoteSignature(checkpoint.Origin, keys[0].KeyId, signature),
            new NoteSignature(checkpoint.Origin, keys[1].KeyId, Ed25519.Sign(text)),
        ]);
        return new SignedCheckpoint(checkpoint, signature, note.ToString());
    }

    public void Dispose() => key.Dispose();
}

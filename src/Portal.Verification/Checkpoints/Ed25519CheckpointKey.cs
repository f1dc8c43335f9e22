using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>
/// The Ed25519 (RFC 8032) checkpoint key: signs the checkpoint text for the C2SP signed note
/// (signature type 0x01, docs/ledger-format.md §5.2). Stored as PEM PKCS#8 / SubjectPublicKeyInfo,
/// the form <c>openssl genpkey -algorithm ed25519</c> writes and <c>openssl pkeyutl</c> reads.
/// </summary>
public sealed class Ed25519CheckpointKey
{
    public const int KeySize = 32;
    public const int SignatureSize = 64;

    // RFC 8410 encodings: the DER around the 32 key bytes is fixed for Ed25519 (OID 1.3.101.112).
    private static readonly byte[] Pkcs8Prefix = Convert.FromHexString("302e020100300506032b657004220420");
    private static readonly byte[] SpkiPrefix = Convert.FromHexString("302a300506032b6570032100");

    private readonly byte[] seed;

    private Ed25519CheckpointKey(byte[] seed)
    {
        this.seed = seed;
        PublicKey = new byte[KeySize];
        Rfc8032.GeneratePublicKey(seed, 0, PublicKey, 0);
    }

    /// <summary>The 32-byte RFC 8032 public key.</summary>
    public byte[] PublicKey { get; }

    public static Ed25519CheckpointKey Generate() => new(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Loads a PEM <c>PRIVATE KEY</c> (PKCS#8) holding an Ed25519 key.</summary>
    public static Ed25519CheckpointKey FromPem(string pem)
    {
        var der = ReadPem(pem, "PRIVATE KEY");
        if (der.Length != Pkcs8Prefix.Length + KeySize || !der.AsSpan(0, Pkcs8Prefix.Length).SequenceEqual(Pkcs8Prefix))
            throw new CryptographicException("not an Ed25519 PKCS#8 private key");
        return new Ed25519CheckpointKey(der[Pkcs8Prefix.Length..]);
    }

    public string ExportPrivateKeyPem() => PemEncoding.WriteString("PRIVATE KEY", [.. Pkcs8Prefix, .. seed]);

    public string ExportPublicKeyPem() => PublicKeyToPem(PublicKey);

    public static string PublicKeyToPem(byte[] publicKey) => PemEncoding.WriteString("PUBLIC KEY", [.. SpkiPrefix, .. publicKey]);

    /// <summary>Reads a PEM <c>PUBLIC KEY</c> (SubjectPublicKeyInfo) holding an Ed25519 key; returns its 32 bytes.</summary>
    public static byte[] PublicKeyFromPem(string pem)
    {
        var der = ReadPem(pem, "PUBLIC KEY");
        if (der.Length != SpkiPrefix.Length + KeySize || !der.AsSpan(0, SpkiPrefix.Length).SequenceEqual(SpkiPrefix))
            throw new CryptographicException("not an Ed25519 SubjectPublicKeyInfo");
        return der[SpkiPrefix.Length..];
    }

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[SignatureSize];
        var bytes = message.ToArray();
        Rfc8032.Sign(seed, 0, bytes, 0, bytes.Length, signature, 0);
        return signature;
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeySize || signature.Length != SignatureSize)
            return false;
        var bytes = message.ToArray();
        return Rfc8032.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, bytes, 0, bytes.Length);
    }

    private static byte[] ReadPem(string pem, string label)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] != label)
            throw new CryptographicException($"expected a PEM '{label}'");
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Checkpoints;

/// <summary>
/// A C2SP signed-note verifier key ("vkey", docs/ledger-format.md §5.2):
/// <c>&lt;name&gt;+&lt;hex key id&gt;+&lt;base64(signature type ‖ public key)&gt;</c>.
/// </summary>
/// <remarks>Key ids as signed-note defines them: for Ed25519 (type 0x01) the first four bytes of
/// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key); for ECDSA (type 0x02) the first four bytes of SHA-256 of the DER
/// SubjectPublicKeyInfo.</remarks>
public sealed record NoteVerifierKey(string Name, uint KeyId, byte Type, byte[] PublicKey)
{
    public const byte Ed25519 = 0x01;
    public const byte Ecdsa = 0x02;

    public static NoteVerifierKey ForEd25519(string name, ReadOnlySpan<byte> publicKey) =>
        new(CheckName(name), Ed25519KeyId(name, publicKey), Ed25519, publicKey.ToArray());

    public static NoteVerifierKey ForEcdsa(string name, ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        new(CheckName(name), EcdsaKeyId(subjectPublicKeyInfo), Ecdsa, subjectPublicKeyInfo.ToArray());

    public static uint Ed25519KeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = Ed25519;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public static uint EcdsaKeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(subjectPublicKeyInfo));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}+{KeyId:x8}+{Convert.ToBase64String([Type, .. PublicKey])}");

    /// <summary>Parses a vkey and checks that its key id is the one its type defines.</summary>
    public static NoteVerifierKey Parse(string vkey)
    {
        // The name has no '+', the key id neither; the base64 key may (hence three parts at most, as golang.org/x/mod/sumdb/note splits).
        var parts = vkey.Split('+', 3);
        if (parts.Length != 3)
            throw new FormatException($"a vkey is <name>+<key id>+<key>, got '{vkey}'");
        var name = parts[0];
        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            throw new FormatException($"vkey name is non-empty without white space, got '{name}'");
        if (parts[1].Length != 8 || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId)
            || parts[1] != parts[1].ToLowerInvariant())
            throw new FormatException($"vkey key id is 8 lowercase hex digits, got '{parts[1]}'");
        var blob = StrictBase64.TryDecode(parts[2], out var problem)
            ?? throw new FormatException($"vkey key is not strict base64 (§1): {problem}");
        if (blob.Length < 2)
            throw new FormatException("vkey key is not the base64 of a type byte and a key");
        var key = blob[0] switch
        {
            Ed25519 when blob.Length == 33 => ForEd25519(name, blob.AsSpan(1)),
            Ecdsa => ForEcdsa(name, CheckEcdsa(blob.AsSpan(1))),
            _ => throw new FormatException($"vkey type 0x{blob[0]:x2} with {blob.Length - 1} key bytes is not Ed25519 (0x01, 32 bytes) or ECDSA (0x02)"),
        };
        if (key.KeyId != keyId)
            throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"vkey key id: got {keyId:x8}, but the key's id is {key.KeyId:x8}"));
        return key;
    }

    /// <summary>True when <paramref name="signature"/> (without the key id) is this key's signature of <paramref name="text"/>.</summary>
    public bool Verifies(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
    {
        if (Type == Ed25519)
            return Ed25519CheckpointKey.Verify(PublicKey, text, signature);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(PublicKey, out _);
        return ecdsa.VerifyData(text, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static ReadOnlySpan<byte> CheckEcdsa(ReadOnlySpan<byte> spki)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length || key.KeySize != 256)
                throw new FormatException("vkey ECDSA key is not exactly a P-256 SubjectPublicKeyInfo");
        }
        catch (CryptographicException ex)
        {
            throw new FormatException($"vkey ECDSA key: {ex.Message}", ex);
        }
        return spki;
    }

    private static string CheckName(string name)
    {
        if (name.Length == 0 || name.Any(char.IsWhiteSpace) || name.Contains('+', StringComparison.Ordinal))
            throw new ArgumentException($"a note key name is non-empty, without white space or '+', got '{name}'", nameof(name));
        return name;
    }
}

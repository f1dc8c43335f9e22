using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace AuditPortal.Tests.Verification.Checkpoints;

/// <summary>
/// Key ids, vkeys and signatures of format 2 checkpoints checked against C2SP signed-note as its text defines
/// them (https://c2sp.org/signed-note), computed here with SHA-256, ECDsa and RFC 8032 directly — not with the
/// product's note code — and with OpenSSL, as docs/ledger-format.md §5.2 documents.
/// </summary>
public sealed class SignedNoteSpecTests
{
    private const string EmDash = "\u2014";

    /// <summary>The example of signed-note's "Verifier keys" section, verbatim.</summary>
    [Fact]
    public void SpecExample_KeyIdFromTheFormula_AndTheSignatureVerifies()
    {
        const string vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
        const string note = "This is an example message.\n\n" +
            EmDash + " example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        var keyBlob = Convert.FromBase64String(vkey.Split('+')[2]);
        keyBlob[0].ShouldBe((byte)0x01);
        var publicKey = keyBlob[1..];
        // key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]
        Convert.ToHexStringLower(SHA256.HashData([.. "example.com/foo"u8, 0x0A, 0x01, .. publicKey])[..4]).ShouldBe("530d903a");
        var signature = Convert.FromBase64String(note.Split(' ')[^1].TrimEnd('\n'));
        Convert.ToHexStringLower(signature[..4]).ShouldBe("530d903a");
        var text = "This is an example message.\n"u8.ToArray();
        Rfc8032.Verify(signature[4..], 0, publicKey, 0, text, 0, text.Length).ShouldBeTrue();

        // The product reads the same note and key the same way.
        var parsedKey = NoteVerifierKey.Parse(vkey);
        parsedKey.ToString().ShouldBe(vkey);
        SignedNote.Parse(note).IsSignedBy(parsedKey).ShouldBeTrue();
        SignedNote.Parse(note).ToString().ShouldBe(note);
    }

    [Fact]
    public void ProductCheckpoint_SignatureLinesAndVkeys_AreThoseTheSpecDefines()
    {
        using var signer = CheckpointSigner.Generate();
        var checkpoint = new Checkpoint("ledger/example", 4, RandomNumberGenerator.GetBytes(32), new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc),
            new StreamHeadCommitment(2, RandomNumberGenerator.GetBytes(32)));
        var signed = signer.Sign(checkpoint);
        var text = checkpoint.ToText();

        // The note: text, an empty line, then "— <name> <base64>" lines.
        signed.Note!.ShouldStartWith(text + "\n");
        var lines = signed.Note[(text.Length + 1)..].Split('\n');
        lines[^1].ShouldBe("");
        lines.Length.ShouldBe(3);

        var spki = Convert.FromBase64String(string.Concat(signer.PublicKey.ToPem().Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        var ed25519 = signer.Ed25519!.PublicKey;
        // ECDSA (0x02): the key ID is the truncated SHA-256 of the DER SPKI. Ed25519 (0x01): of name ‖ 0x0A ‖ 0x01 ‖ key.
        var ecdsaId = SHA256.HashData(spki)[..4];
        var ed25519Id = SHA256.HashData([.. Encoding.UTF8.GetBytes("ledger/example"), 0x0A, 0x01, .. ed25519])[..4];

        var ecdsaLine = Line(lines[0]);
        var ed25519Line = Line(lines[1]);
        ecdsaLine.Name.ShouldBe("ledger/example");
        ed25519Line.Name.ShouldBe("ledger/example");
        ecdsaLine.Blob[..4].ShouldBe(ecdsaId);
        ed25519Line.Blob[..4].ShouldBe(ed25519Id);

        using (var ecdsa = ECDsa.Create())
        {
            ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
            ecdsa.VerifyHash(SHA256.HashData(Encoding.UTF8.GetBytes(text)), ecdsaLine.Blob[4..], DSASignatureFormat.Rfc3279DerSequence).ShouldBeTrue();
        }
        ecdsaLine.Blob[4..].ShouldBe(signed.Signature); // the .sig file's DER is the note's ECDSA signature
        var textBytes = Encoding.UTF8.GetBytes(text);
        Rfc8032.Verify(ed25519Line.Blob[4..], 0, ed25519, 0, textBytes, 0, textBytes.Length).ShouldBeTrue();
        ed25519Line.Blob.Length.ShouldBe(4 + 64);

        // vkeys: <name>+<hex key id>+<base64(type ‖ key)>.
        string[] expected =
        [
            $"ledger/example+{Convert.ToHexStringLower(ecdsaId)}+{Convert.ToBase64String([0x02, .. spki])}",
            $"ledger/example+{Convert.ToHexStringLower(ed25519Id)}+{Convert.ToBase64String([0x01, .. ed25519])}",
        ];
        signer.VerifierKeys("ledger/example").Select(k => k.ToString()).ShouldBe(expected);
    }

    [Fact]
    public void ProductCheckpoint_OpenSslVerifiesBothSignatures()
    {
        if (!File.Exists("/usr/bin/openssl"))
            throw new InvalidOperationException("openssl is missing: ./portal up installs it (docs/ledger-format.md §5.2 relies on it)");
        using var signer = CheckpointSigner.Generate();
        var checkpoint = new Checkpoint("ledger/example", 4, RandomNumberGenerator.GetBytes(32), new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc),
            new StreamHeadCommitment(2, RandomNumberGenerator.GetBytes(32)));
        var signed = signer.Sign(checkpoint);
        var dir = Directory.CreateTempSubdirectory("note-openssl-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "cp.txt"), checkpoint.ToBytes());
            File.WriteAllBytes(Path.Combine(dir, "cp.sig"), signed.Signature);
            File.WriteAllText(Path.Combine(dir, "ecdsa.pem"), signer.PublicKey.ToPem());
            File.WriteAllText(Path.Combine(dir, "ed25519.pem"), signer.Ed25519!.ExportPublicKeyPem());
            var edLine = signed.Note!.Split('\n')[^2];
            File.WriteAllBytes(Path.Combine(dir, "ed.sig"), Convert.FromBase64String(edLine.Split(' ')[2])[4..]);

            OpenSsl(dir, "dgst -sha256 -verify ecdsa.pem -signature cp.sig cp.txt").ShouldBe(0);
            OpenSsl(dir, "pkeyutl -verify -pubin -inkey ed25519.pem -rawin -in cp.txt -sigfile ed.sig").ShouldBe(0);
            File.AppendAllText(Path.Combine(dir, "cp.txt"), "x");
            OpenSsl(dir, "dgst -sha256 -verify ecdsa.pem -signature cp.sig cp.txt").ShouldNotBe(0);
            OpenSsl(dir, "pkeyutl -verify -pubin -inkey ed25519.pem -rawin -in cp.txt -sigfile ed.sig").ShouldNotBe(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Ed25519Key_PemRoundTrip_KeepsTheKey()
    {
        var key = Ed25519CheckpointKey.Generate();
        var reloaded = Ed25519CheckpointKey.FromPem(key.ExportPrivateKeyPem());
        reloaded.PublicKey.ShouldBe(key.PublicKey);
        Ed25519CheckpointKey.PublicKeyFromPem(key.ExportPublicKeyPem()).ShouldBe(key.PublicKey);
    }

    [Theory]
    [InlineData("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")] // key id of another key
    [InlineData("example.com/fo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")] // name changes the id
    [InlineData("example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")] // uppercase hex
    [InlineData("example.com/foo+530d903a+A+kyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")] // a '+' more: not that key
    [InlineData("example.com/foo+530d903a")] // two parts
    [InlineData("example.com/foo+530d903a+BekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")] // unknown type
    public void VerifierKey_Malformed_IsRejected(string vkey) =>
        Should.Throw<FormatException>(() => NoteVerifierKey.Parse(vkey));

    private static (string Name, byte[] Blob) Line(string line)
    {
        var parts = line.Split(' ');
        parts.Length.ShouldBe(3);
        parts[0].ShouldBe(EmDash);
        return (parts[1], Convert.FromBase64String(parts[2]));
    }

    private static int OpenSsl(string dir, string args)
    {
        var start = new ProcessStartInfo("/usr/bin/openssl", args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}

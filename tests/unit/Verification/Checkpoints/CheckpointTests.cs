using System.Diagnostics;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Checkpoints;

public sealed class CheckpointTests
{
    private static readonly Checkpoint Sample = new("ledger/demo", 1000,
        HashHex.Parse("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
        new DateTime(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc).AddTicks(1234560));

    [Fact]
    public void ToText_Sample_IsTheDocumentedForm()
    {
        Sample.ToText().ShouldBe(
            "auditportal-checkpoint/v1\norigin ledger/demo\nsize 1000\n" +
            "root 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\n" +
            "time 2024-03-01T09:30:00.123456Z\n");
    }

    [Fact]
    public void Parse_OwnText_RoundTrips()
    {
        var parsed = Checkpoint.Parse(Sample.ToText());
        parsed.ToText().ShouldBe(Sample.ToText());
        parsed.Size.ShouldBe(1000);
    }

    [Theory]
    [InlineData("auditportal-checkpoint/v1\norigin ledger/demo\nsize 1000\nroot 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\ntime 2024-03-01T09:30:00.123456Z", "no final LF")]
    [InlineData("auditportal-checkpoint/v2\norigin ledger/demo\nsize 1000\nroot 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\ntime 2024-03-01T09:30:00.123456Z\n", "wrong header")]
    [InlineData("auditportal-checkpoint/v1\norigin ledger/demo\nsize 01000\nroot 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\ntime 2024-03-01T09:30:00.123456Z\n", "leading zero")]
    [InlineData("auditportal-checkpoint/v1\norigin ledger/demo\nsize 1000\nroot 5DC9DA79A70659A9AD559CB701DED9A2AB9D823AAD2F4960CFE370EFF4604328\ntime 2024-03-01T09:30:00.123456Z\n", "uppercase hex")]
    [InlineData("auditportal-checkpoint/v1\norigin ledger/demo\nsize 1000\nroot 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\ntime 2024-03-01T09:30:00Z\n", "no microseconds")]
    [InlineData("auditportal-checkpoint/v1\r\norigin ledger/demo\r\nsize 1000\r\nroot 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\r\ntime 2024-03-01T09:30:00.123456Z\r\n", "CRLF")]
    public void Parse_Deviation_IsRejected(string text, string why)
    {
        Should.Throw<FormatException>(() => Checkpoint.Parse(text), why);
    }

    [Fact]
    public void Verifies_SignatureFromSigner_IsTrue_AndFalseForAnyChange()
    {
        using var signer = CheckpointSigner.Generate();
        var signed = signer.Sign(Sample);
        signer.PublicKey.Verifies(signed).ShouldBeTrue();
        signer.PublicKey.Verifies(signed with { Checkpoint = Sample with { Size = 1001 } }).ShouldBeFalse();
        var flipped = (byte[])signed.Signature.Clone();
        flipped[^1] ^= 1;
        signer.PublicKey.Verifies(signed with { Signature = flipped }).ShouldBeFalse();
        using var other = CheckpointSigner.Generate();
        other.PublicKey.Verifies(signed).ShouldBeFalse();
    }

    [Fact]
    public void KeyId_IsStableAcrossPemRoundTrip()
    {
        using var signer = CheckpointSigner.Generate();
        CheckpointPublicKey.FromPem(signer.PublicKey.ToPem()).KeyId.ShouldBe(signer.PublicKey.KeyId);
        using var reloaded = CheckpointSigner.FromPem(signer.ExportPrivateKeyPem());
        reloaded.PublicKey.KeyId.ShouldBe(signer.PublicKey.KeyId);
    }

    /// <summary>The spec promises `openssl dgst -sha256 -verify` accepts our signatures; check with the real openssl.</summary>
    [Fact]
    public void Signature_VerifiesWithOpenSsl_AndTamperedTextDoesNot()
    {
        using var signer = CheckpointSigner.Generate();
        var signed = signer.Sign(Sample);
        var dir = Directory.CreateTempSubdirectory("ap-openssl-");
        try
        {
            var pub = Path.Combine(dir.FullName, "pub.pem");
            var txt = Path.Combine(dir.FullName, "cp.txt");
            var sig = Path.Combine(dir.FullName, "cp.sig");
            File.WriteAllText(pub, signer.PublicKey.ToPem());
            File.WriteAllBytes(txt, Sample.ToBytes());
            File.WriteAllBytes(sig, signed.Signature);
            OpenSslVerify(pub, sig, txt).ShouldBe(0);

            File.WriteAllBytes(txt, (Sample with { Size = 999 }).ToBytes());
            OpenSslVerify(pub, sig, txt).ShouldNotBe(0);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static int OpenSslVerify(string pub, string sig, string txt)
    {
        var psi = new ProcessStartInfo("openssl", ["dgst", "-sha256", "-verify", pub, "-signature", sig, txt])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}

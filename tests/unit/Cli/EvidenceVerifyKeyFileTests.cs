using System.Security.Cryptography;
using AuditPortal.Cli;

namespace AuditPortal.Tests.Cli;

/// <summary>`evidence verify --public-key` with a key file that is no P-256 public key: exit 2 and one clear line (docs/ledger-format.md §8.6).</summary>
public sealed class EvidenceVerifyKeyFileTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-keyfile-");

    public void Dispose() => dir.Delete(recursive: true);

    [Theory]
    [InlineData("rsa")]
    [InlineData("p384")]
    [InlineData("text")]
    public async Task EvidenceVerify_KeyFileNotP256_ExitsUnreadableWithOneLine(string kind)
    {
        var keyPath = Path.Combine(dir.FullName, "key.pem");
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        await File.WriteAllTextAsync(keyPath, kind switch
        {
            "rsa" => rsa.ExportSubjectPublicKeyInfoPem(),
            "p384" => p384.ExportSubjectPublicKeyInfoPem(),
            _ => "not a key",
        });
        var document = Path.Combine(dir.FullName, "d.json");
        await File.WriteAllTextAsync(document, "{}");

        var (code, output, error) = await CliRun.RunAsync(new Dictionary<string, string>(), "evidence", "verify", document, "--public-key", keyPath);

        code.ShouldBe(ExitCodes.UsageOrConnection, output + error);
        error.ShouldStartWith("auditportal: ");
        error.ShouldNotContain("   at ");
    }
}

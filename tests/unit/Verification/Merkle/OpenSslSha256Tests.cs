using System.Security.Cryptography;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

/// <summary>The verifier's direct OpenSSL SHA-256 must be the BCL's SHA-256, byte for byte.</summary>
public sealed class OpenSslSha256Tests
{
    [Fact]
    public void IsAvailable_OnLinuxWithLibcrypto3_True()
    {
        // The machine image and CI run Debian with OpenSSL 3; if this fails there, the verifier has
        // silently fallen back to the slower BCL path.
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))
            return;
        OpenSslSha256.IsAvailable.ShouldBeTrue();
    }

    [Fact]
    public void Hash_EveryLengthAroundTheBlockBoundaries_EqualsSha256HashData()
    {
        if (!OpenSslSha256.IsAvailable)
            return;
        var random = new Random(9162);
        var lengths = Enumerable.Range(0, 300).Concat([511, 512, 513, 4095, 4096, 100_000]);
        var actual = new byte[SHA256.HashSizeInBytes];
        foreach (var length in lengths)
        {
            var data = new byte[length];
            random.NextBytes(data);
            OpenSslSha256.Hash(data, actual);
            actual.ShouldBe(SHA256.HashData(data), $"length {length}");
        }
    }

    [Fact]
    public void Hash_KnownVector_Abc()
    {
        if (!OpenSslSha256.IsAvailable)
            return;
        var actual = new byte[SHA256.HashSizeInBytes];
        OpenSslSha256.Hash("abc"u8, actual);
        Convert.ToHexStringLower(actual).ShouldBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Fact]
    public void Hash_DestinationTooSmall_Throws()
    {
        if (!OpenSslSha256.IsAvailable)
            return;
        Should.Throw<ArgumentException>(() => OpenSslSha256.Hash("abc"u8, new byte[31]));
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace AuditPortal.Tests.Verification.Evidence;

/// <summary>
/// The JavaScript verifier in tools/independent-verifier was written from docs/ledger-format.md alone.
/// It must accept what the C# side exports and reject the same tampering the C# verifier rejects.
/// </summary>
public sealed class IndependentVerifierTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-indep-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public void IndependentVerifier_ExportedBundle_IsIntact()
    {
        using var t = new TestBundles();
        var (code, output) = RunNode(Write(t.Bundle()));
        output.ShouldContain("INTACT");
        code.ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(EvidenceBundleVerifierTests.Tampers), MemberType = typeof(EvidenceBundleVerifierTests))]
    public void IndependentVerifier_TamperedBundle_ReportsTheSameCheck(string tamper, string expectedCheck)
    {
        using var t = new TestBundles();
        var (code, output) = RunNode(Write(EvidenceBundleVerifierTests.Tamper(t, t.Bundle(), tamper)));
        code.ShouldBe(1, output);
        output.ShouldContain($"FINDING {expectedCheck} ", Case.Sensitive, output);
    }

    [Theory]
    [InlineData("a", "1", 11)]
    [InlineData("b", "2", 8)]
    [InlineData("c", "3", 11)]
    [InlineData("0", "0", 11)]
    public void IndependentVerifier_Version2Bundle_IsIntact(string type, string id, long size)
    {
        using var t = new TestBundles();
        var (code, output) = RunNode(Write(t.BundleV2(type, id, size)));
        output.ShouldContain("INTACT");
        code.ShouldBe(0, output);
    }

    [Theory]
    [MemberData(nameof(EvidenceBundleV2VerifierTests.Tampers), MemberType = typeof(EvidenceBundleV2VerifierTests))]
    public void IndependentVerifier_TamperedVersion2Bundle_ReportsTheSameCheck(string tamper, string expectedCheck)
    {
        using var t = new TestBundles();
        var (code, output) = RunNode(Write(EvidenceBundleV2VerifierTests.Tamper(t, t.BundleV2(), tamper)));
        code.ShouldBe(1, output);
        output.ShouldContain($"FINDING {expectedCheck} ", Case.Sensitive, output);
    }

    private string Write(object bundle)
    {
        var path = Path.Combine(dir.FullName, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(bundle));
        return path;
    }

    internal static (int Code, string Output) RunNode(string bundlePath)
    {
        var script = Path.Combine(RepoRoot(), "tools", "independent-verifier", "verify-evidence.mjs");
        var psi = new ProcessStartInfo("node", [script, bundlePath]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "AuditPortal.sln")))
            d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

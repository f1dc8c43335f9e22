using System.Diagnostics;

namespace AuditPortal.Tests.Verification.Evidence;

/// <summary>Runs tools/independent-verifier/verify-evidence.mjs (the JavaScript verifier written from the spec) on a file.</summary>
internal static class IndependentVerifier
{
    public static (int Code, string Output) Run(string documentPath, string? publicKeyPath = null)
    {
        var script = Path.Combine(RepoRoot(), "tools", "independent-verifier", "verify-evidence.mjs");
        string[] args = publicKeyPath is null ? [script, documentPath] : [script, documentPath, "--public-key", publicKeyPath];
        var psi = new ProcessStartInfo("node", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    /// <summary>Writes <paramref name="text"/> to a new file in <paramref name="dir"/> and runs the verifier on it.</summary>
    public static (int Code, string Output) RunOnText(DirectoryInfo dir, string text, string? publicKeyPem = null)
    {
        var path = Path.Combine(dir.FullName, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, text);
        string? keyPath = null;
        if (publicKeyPem is not null)
        {
            keyPath = Path.Combine(dir.FullName, Guid.NewGuid().ToString("N") + ".pem");
            File.WriteAllText(keyPath, publicKeyPem);
        }
        return Run(path, keyPath);
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "AuditPortal.sln")))
            d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

using System.Diagnostics;
using AuditPortal.Evidence;

namespace AuditPortal.Tests.Evidence;

/// <summary>Runs the real PDF tools (poppler-utils, qpdf, openssl) the way a recipient of an evidence PDF would.</summary>
internal static class PdfTools
{
    public static (int Code, string Output) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    public static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "AuditPortal.sln")))
            d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>The development signing certificate, made by the same script as <c>./portal up</c> (scripts/evidence-cert.sh) in <paramref name="dir"/>.</summary>
    public static EvidenceSigningCertificate DevelopmentCertificate(string dir)
    {
        var (code, output) = Run("bash", Path.Combine(RepoRoot(), "scripts", "evidence-cert.sh"), dir);
        code.ShouldBe(0, output);
        return EvidenceSigningCertificate.Load(Path.Combine(dir, EvidenceSigningCertificate.DevelopmentCertificateFile),
            Path.Combine(dir, EvidenceSigningCertificate.DevelopmentKeyFile));
    }
}

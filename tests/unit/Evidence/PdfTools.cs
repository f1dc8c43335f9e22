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

    /// <summary>The hex digits of the signature's <c>/Contents</c>: the hole the <c>/ByteRange</c> leaves, without its <c>&lt;</c> <c>&gt;</c>.</summary>
    public static (int Start, int End) SignatureHex(byte[] pdf)
    {
        var match = System.Text.RegularExpressions.Regex.Match(System.Text.Encoding.Latin1.GetString(pdf), @"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+\d+\s*\]");
        match.Success.ShouldBeTrue("the PDF has no /ByteRange");
        var start = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1;
        var end = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;
        pdf[start - 1].ShouldBe((byte)'<');
        pdf[end].ShouldBe((byte)'>');
        return (start, end);
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

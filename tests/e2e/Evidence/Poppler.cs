using System.Diagnostics;

namespace AuditPortal.Tests.E2e.Evidence;

/// <summary>poppler-utils and node, run for real on a PDF the portal produced: its text, its embedded bundle, the JS verifier.</summary>
internal static class Poppler
{
    /// <summary>The PDF's text as <c>pdftotext</c> reads it, whitespace (line breaks of wrapped lines too) collapsed to single spaces.</summary>
    public static async Task<string> TextAsync(byte[] pdf)
    {
        var file = await TempAsync(pdf, ".pdf");
        try
        {
            var (code, output) = await RunAsync("pdftotext", file, "-");
            code.ShouldBe(0, output);
            return Collapse(output);
        }
        finally { File.Delete(file); }
    }

    public static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The embedded bundle's bytes, as <c>pdfdetach -save 1</c> writes them.</summary>
    public static async Task<byte[]> BundleAsync(byte[] pdf)
    {
        var file = await TempAsync(pdf, ".pdf");
        var bundle = file + ".json";
        try
        {
            var (code, output) = await RunAsync("pdfdetach", "-save", "1", "-o", bundle, file);
            code.ShouldBe(0, output);
            return await File.ReadAllBytesAsync(bundle);
        }
        finally
        {
            File.Delete(file);
            File.Delete(bundle);
        }
    }

    /// <summary>The independent JavaScript verifier (tools/independent-verifier) on a bundle, with the ledger's key pinned.</summary>
    public static async Task<(int Code, string Output)> JsVerifyAsync(byte[] bundle, string publicKeyPath)
    {
        var file = await TempAsync(bundle, ".json");
        try
        {
            var script = Path.Combine(AuditPortal.Tests.E2e.Portal.DevOidcProcess.RepositoryRoot(), "tools", "independent-verifier", "verify-evidence.mjs");
            return await RunAsync("node", script, file, "--public-key", publicKeyPath);
        }
        finally { File.Delete(file); }
    }

    private static async Task<string> TempAsync(byte[] bytes, string extension)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portal-export-{Guid.NewGuid():N}{extension}");
        await File.WriteAllBytesAsync(file, bytes);
        return file;
    }

    /// <summary>Runs a tool (poppler, node, bash) and returns its exit code and its output and error text together.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}

extern alias cli;
using cli::AuditPortal.Cli;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// Runs the real <c>auditportal evidence verify FILE --public-key PEM</c> command tree in-process, with an
/// empty environment: the check is offline, it gets nothing but the file and the key to pin.
/// </summary>
internal static class OfflineEvidenceCheck
{
    public const int Intact = ExitCodes.Ok;
    public const int Findings = ExitCodes.Findings;

    /// <summary>The command on a file as it is (an evidence PDF, or a JSON document).</summary>
    public static async Task<(int Code, string Out)> RunFileAsync(string file, string publicKeyPath)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApplication.RunAsync(["evidence", "verify", file, "--public-key", publicKeyPath], output, error, new CliEnvironment(_ => null));
        return (code, output.ToString() + error);
    }

    public static async Task<(int Code, string Out)> RunAsync(string json, string publicKeyPath)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portal-proof-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await CliApplication.RunAsync(["evidence", "verify", file, "--public-key", publicKeyPath], output, error,
                new CliEnvironment(_ => null));
            return (code, output.ToString() + error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

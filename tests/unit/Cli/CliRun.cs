using AuditPortal.Cli;

namespace AuditPortal.Tests.Cli;

/// <summary>Runs the real `auditportal` command tree in-process with a given environment and captures its output.</summary>
internal static class CliRun
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment(name => environment.GetValueOrDefault(name));
        var code = await CliApplication.RunAsync(args, output, error, env);
        return (code, output.ToString(), error.ToString());
    }
}

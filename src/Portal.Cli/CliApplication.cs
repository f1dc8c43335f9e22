using System.CommandLine;
using AuditPortal.Cli.Commands;

namespace AuditPortal.Cli;

/// <summary>The `auditportal` command tree. Parse errors exit 2 (not System.CommandLine's default 1, which means "findings").</summary>
public static class CliApplication
{
    public static RootCommand BuildRoot(TextWriter output, TextWriter error, CliEnvironment? environment = null)
    {
        var console = new CliConsole(output, error);
        var env = environment ?? CliEnvironment.FromProcess();
        var root = new RootCommand("auditportal: operate and verify the AuditPortal hash-chained audit ledger");
        root.Subcommands.Add(LedgerCommands.Build(console, env));
        root.Subcommands.Add(ProofCommands.Build(console, env));
        root.Subcommands.Add(EvidenceCommands.Build(console, env));
        root.Subcommands.Add(LineageCommands.Build(console, env));
        root.Subcommands.Add(AccessLogCommands.Build(console, env));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliEnvironment? environment = null)
    {
        var root = BuildRoot(output, error, environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                await error.WriteLineAsync($"auditportal: {e.Message}");
            await error.WriteLineAsync("Run 'auditportal --help' (or '<command> --help') for usage.");
            return ExitCodes.UsageOrConnection;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}

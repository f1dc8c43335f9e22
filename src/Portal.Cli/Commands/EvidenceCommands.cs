using System.CommandLine;

namespace AuditPortal.Cli.Commands;

public static class EvidenceCommands
{
    public static Command Build(CliConsole console)
    {
        var evidence = new Command("evidence", "Export and verify evidence bundles");
        return evidence;
    }
}

using System.CommandLine;

namespace AuditPortal.Cli.Commands;

public static class LedgerCommands
{
    public static Command Build(CliConsole console)
    {
        var ledger = new Command("ledger", "Create, fill, checkpoint and verify the ledger");
        return ledger;
    }
}

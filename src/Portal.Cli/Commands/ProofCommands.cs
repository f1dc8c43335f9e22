using System.CommandLine;

namespace AuditPortal.Cli.Commands;

public static class ProofCommands
{
    public static Command Build(CliConsole console)
    {
        var proof = new Command("proof", "Merkle inclusion and consistency proofs (RFC 9162)");
        return proof;
    }
}

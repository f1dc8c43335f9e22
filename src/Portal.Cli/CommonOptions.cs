using System.CommandLine;

namespace AuditPortal.Cli;

/// <summary>Options that mean the same thing on every command that takes them.</summary>
public static class CommonOptions
{
    public static Option<string?> Connection() => new("--connection")
    {
        Description = "Npgsql connection string (default: AUDITPORTAL_PRIMARY for writes, AUDITPORTAL_REPLICA for reads)",
    };

    public static Option<string?> KeysDir() => new("--keys-dir")
    {
        Description = "Directory holding the checkpoint key pair (default: AUDITPORTAL_KEYS_DIR or var/keys)",
    };

    public static Option<string?> WitnessDir() => new("--witness-dir")
    {
        Description = "Witness directory (default: AUDITPORTAL_WITNESS_DIR or var/witness)",
    };

    public static Option<string> Origin() => new("--origin")
    {
        Description = "Checkpoint origin of the ledger",
        DefaultValueFactory = _ => "ledger/demo",
    };

    public static Option<bool> Json() => new("--json") { Description = "Write machine-readable JSON to standard output" };
}

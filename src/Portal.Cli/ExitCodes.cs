namespace AuditPortal.Cli;

/// <summary>Exit codes every command keeps to, so scripts can tell "tampered" from "could not check".</summary>
public static class ExitCodes
{
    /// <summary>The command succeeded; for a verification: nothing was found.</summary>
    public const int Ok = 0;

    /// <summary>A verification ran to the end and reported findings.</summary>
    public const int Findings = 1;

    /// <summary>Bad arguments, unreachable server, unreadable file: nothing was checked.</summary>
    public const int UsageOrConnection = 2;
}

namespace AuditPortal.Portal.Verification;

/// <summary><c>Portal:Verification</c> settings (docs/verification.md, "Live verification in the portal").</summary>
public sealed class VerificationOptions
{
    /// <summary>How often a running run writes a heartbeat to the registry.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the dashboard's verification card may reuse what it read from the run registry (shared by every
    /// user; zero: read on every request). Shorter than <see cref="PollInterval"/>, so it hides nothing the
    /// continuous verifier would have shown sooner.
    /// </summary>
    public TimeSpan StatusCacheTtl { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A run silent for longer than this (no heartbeat, no terminal event) is shown as interrupted.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Concurrent seq ranges of a whole-ledger run started from the page (each one replica connection).</summary>
    public int Parallelism { get; set; } = 1;

    /// <summary>Runs started from the portal read at most this many rows per second (0: no limit; then <see cref="Parallelism"/> applies).</summary>
    public double MaxRowsPerSecond { get; set; }

    /// <summary>Findings kept (in memory and in the registry) per run; further ones are counted.</summary>
    public int MaxFindings { get; set; } = 10_000;

    /// <summary>Continuous verifier: on/off.</summary>
    public bool Continuous { get; set; } = true;

    /// <summary>Continuous verifier: how often it polls the replica's head.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Continuous verifier: time between two full passes over the whole ledger (zero: never).</summary>
    public TimeSpan FullPassInterval { get; set; } = TimeSpan.FromHours(24);
}

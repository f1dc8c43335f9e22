using AuditPortal.Verification.Verifying;

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

    /// <summary>
    /// Nice value (0–19) of the threads that read and hash the rows of a run or of the continuous verifier.
    /// The default, the lowest priority, lets page requests go first: a run takes the CPU they leave idle.
    /// 0: the same priority as pages (a run then slows pages down as much as they slow it).
    /// </summary>
    public int ThreadNice { get; set; } = ThreadCpuPriority.Lowest;

    /// <summary>Findings kept (in memory and in the registry) per run; further ones are counted.</summary>
    public int MaxFindings { get; set; } = 10_000;

    /// <summary>Continuous verifier: on/off.</summary>
    public bool Continuous { get; set; } = true;

    /// <summary>Continuous verifier: how often it polls the replica's head.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Continuous verifier: time between two full passes over the whole ledger (zero: never).</summary>
    public TimeSpan FullPassInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How often the continuous verifier also runs a whole pass of the access log (docs/access-log-review.md), the first
    /// when none is on record; 0: never. Whole passes, like the ledger's full pass, until the registry keeps verified
    /// heads per log so that the access log can be followed incrementally.
    /// </summary>
    public TimeSpan AccessLogPassInterval { get; set; } = TimeSpan.FromHours(24);
}

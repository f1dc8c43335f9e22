using AuditPortal.Verification.Verifying;

namespace AuditPortal.Data.VerificationRuns;

/// <summary>What the registry says about a run.</summary>
public enum RunStatus
{
    Running,
    Completed,
    Cancelled,
    Failed,

    /// <summary>No terminal event and no heartbeat for longer than the stale limit: the process running it died. Never clean.</summary>
    Interrupted,
}

/// <summary>A new run, as registered when it starts.</summary>
public sealed record NewVerificationRun(
    Guid Id,
    RunScope Scope,
    string StartedBy,
    string StartedByName,
    DateTimeOffset StartedAt,
    string Instance,
    long? AccessLogSeq);

/// <summary>How a run ended (its terminal status event).</summary>
public sealed record RunOutcome(
    RunStatus Status,
    DateTimeOffset At,
    long Rows,
    double RowsPerSecond,
    long HeadSeq,
    string? HeadHash,
    string? Root,
    long TotalFindings,
    string? Actor = null,
    string? Error = null);

/// <summary>A heartbeat: the run's progress at a time.</summary>
public sealed record RunHeartbeat(DateTimeOffset At, long Rows, long CurrentSeq, double RowsPerSecond, long Findings);

/// <summary>A run as listed: registration, latest heartbeat, outcome (if any) and the derived status.</summary>
public sealed record VerificationRun(
    Guid Id,
    RunScope Scope,
    string StartedBy,
    string StartedByName,
    DateTimeOffset StartedAt,
    string Instance,
    long? AccessLogSeq,
    RunStatus Status,
    RunHeartbeat? LastHeartbeat,
    RunOutcome? Outcome,
    long FindingsRecorded)
{
    public bool IsFinished => Status is not RunStatus.Running;
}

/// <summary>A finding of a run, numbered in the order it was found (the SSE event id).</summary>
public sealed record RecordedFinding(Guid RunId, int Ordinal, Finding Finding, DateTimeOffset FoundAt);

/// <summary>The continuous verifier's verified head.</summary>
public sealed record VerifiedHead(DateTimeOffset At, long HeadSeq, string HeadHash, Guid? RunId, long Findings);

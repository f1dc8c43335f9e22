using AuditPortal.Data.VerificationRuns;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Portal.Verification;

/// <summary>What a viewer of a run receives (the SSE events <c>progress</c>, <c>finding</c>, <c>done</c>).</summary>
public abstract record RunEvent;

/// <param name="Rows">Rows verified so far.</param>
/// <param name="RowsPerSecond">Current rate.</param>
/// <param name="CurrentSeq">Last seq verified.</param>
/// <param name="Findings">Findings so far.</param>
/// <param name="TotalRows">Rows the run will verify, when known (whole ledger and ranges); null for a stream.</param>
/// <param name="EtaSeconds">Estimated seconds left, when the total is known and the rate is positive.</param>
public sealed record RunProgress(long Rows, double RowsPerSecond, long CurrentSeq, long Findings, long? TotalRows, double? EtaSeconds) : RunEvent
{
    public static RunProgress From(VerificationProgress p, long? totalRows)
    {
        ArgumentNullException.ThrowIfNull(p);
        double? eta = totalRows is { } total && p.RowsPerSecond > 0 ? Math.Max(0, (total - p.RowsDone) / p.RowsPerSecond) : null;
        return new RunProgress(p.RowsDone, p.RowsPerSecond, p.CurrentSeq, p.FindingsSoFar, totalRows, eta);
    }
}

/// <summary>A finding, numbered in the order found (the SSE event id, for <c>Last-Event-ID</c>).</summary>
public sealed record RunFinding(int Ordinal, Finding Finding, DateTimeOffset FoundAt) : RunEvent;

/// <summary>The run ended: completed, cancelled, failed — or, seen from another process, interrupted.</summary>
public sealed record RunDone(RunStatus Status, RunOutcome? Outcome) : RunEvent;

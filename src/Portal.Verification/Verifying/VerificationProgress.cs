namespace AuditPortal.Verification.Verifying;

/// <summary>A progress report from a running verification, emitted at a bounded rate (see <see cref="LedgerVerifierOptions.ProgressInterval"/>).</summary>
public sealed record VerificationProgress(
    long RowsDone,
    double RowsPerSecond,
    long CurrentSeq,
    long FindingsSoFar,
    TimeSpan Elapsed);

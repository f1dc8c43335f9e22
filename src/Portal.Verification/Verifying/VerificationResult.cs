namespace AuditPortal.Verification.Verifying;

/// <summary>The outcome of a verification run.</summary>
/// <param name="Rows">Rows examined.</param>
/// <param name="Findings">Findings in report order (<see cref="Finding.InReportOrder"/>), at most <see cref="LedgerVerifierOptions.MaxFindings"/>.</param>
/// <param name="TotalFindings">All findings, including those beyond the cap.</param>
/// <param name="HeadSeq">Highest global seq seen (0 when no row was seen).</param>
/// <param name="HeadHash">Stored hash of that row (null when no row was seen).</param>
/// <param name="Root">Recomputed tree root of the ledger up to <paramref name="HeadSeq"/>; null when the run did not start at seq 1, ran in single-stream mode, or rows are missing (then no such tree exists).</param>
/// <param name="Cancelled">True when the run stopped early on cancellation; everything else then describes the part that ran.</param>
/// <param name="UncheckedStreamStarts">Streams whose first event in a run that did not start at seq 1 could not be linked to a predecessor.</param>
public sealed record VerificationResult(
    long Rows,
    IReadOnlyList<Finding> Findings,
    long TotalFindings,
    double RowsPerSecond,
    long HeadSeq,
    byte[]? HeadHash,
    byte[]? Root,
    TimeSpan Elapsed,
    bool Cancelled,
    long UncheckedStreamStarts = 0)
{
    public bool IsClean => TotalFindings == 0 && !Cancelled;
}

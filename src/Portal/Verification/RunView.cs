using AuditPortal.Data.VerificationRuns;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// What the run page shows of a run, kept current by the run's events (<see cref="Apply"/>): status,
/// progress with rate and ETA, and the findings in the order found. Only the page's dispatcher touches it.
/// </summary>
public sealed class RunView
{
    private readonly List<FindingView> findings = [];

    public RunView(RunSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Run = snapshot.Run;
        Status = snapshot.Run.Status;
        foreach (var f in snapshot.Findings)
            Apply(f);
        if (snapshot.Progress is { } p)
            Apply(p);
        if (snapshot.Done is { } d)
            Apply(d);
    }

    public VerificationRun Run { get; }
    public RunStatus Status { get; private set; }
    public RunOutcome? Outcome { get; private set; }
    public IReadOnlyList<FindingView> Findings => findings;
    public long Rows { get; private set; }
    public double RowsPerSecond { get; private set; }
    public long CurrentSeq { get; private set; }
    public long? TotalRows { get; private set; }
    public double? EtaSeconds { get; private set; }

    /// <summary>Findings found so far, including any beyond those kept (<see cref="VerificationOptions.MaxFindings"/>).</summary>
    public long FindingCount { get; private set; }

    public bool IsRunning => Status == RunStatus.Running;

    /// <summary>The number of the last finding shown: a viewer resumes after it.</summary>
    public int LastOrdinal => findings.Count == 0 ? 0 : findings[^1].Ordinal;

    /// <summary>Share of the run done, 0–100, when its size is known.
    /// A completed run is all done, even when it verified fewer rows than estimated (a deleted row is a finding, not a row).</summary>
    public double? Percent => Status == RunStatus.Completed ? 100
        : TotalRows is > 0 and var total ? Math.Min(100, 100.0 * Rows / total) : null;

    public void Apply(RunEvent e)
    {
        switch (e)
        {
            case RunFinding f when f.Ordinal > LastOrdinal:
                findings.Add(FindingView.From(f, Run.Scope));
                FindingCount = Math.Max(FindingCount, f.Ordinal);
                break;
            case RunProgress p:
                (Rows, RowsPerSecond, CurrentSeq, TotalRows, EtaSeconds) = (p.Rows, p.RowsPerSecond, p.CurrentSeq, p.TotalRows ?? TotalRows, p.EtaSeconds);
                FindingCount = Math.Max(FindingCount, p.Findings);
                break;
            case RunDone d:
                Status = d.Status;
                Outcome = d.Outcome;
                EtaSeconds = null;
                if (d.Outcome is { } o)
                {
                    (Rows, RowsPerSecond) = (o.Rows, o.RowsPerSecond);
                    if (d.Status == RunStatus.Completed)
                        CurrentSeq = o.HeadSeq;
                    FindingCount = Math.Max(FindingCount, o.TotalFindings);
                }
                break;
        }
    }
}

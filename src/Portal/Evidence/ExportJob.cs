using AuditPortal.Data.Proofs;
using AuditPortal.Evidence;

namespace AuditPortal.Portal.Evidence;

public enum ExportJobStatus
{
    /// <summary>Waiting for a free slot (<see cref="EvidenceExportOptions.MaxConcurrentExports"/>).</summary>
    Queued,
    Running,

    /// <summary>The PDF is stored with its row: downloadable from the case's list.</summary>
    Done,
    Failed,
    Cancelled,
}

/// <summary>Who asked for an export job, captured in the circuit when it starts (the job outlives the circuit).</summary>
/// <param name="Selection">For a scope that spans several streams, its events as resolved when the job started; null for a stream.</param>
public sealed record ExportJobRequest(Guid CaseId, ExportScope Scope, EvidenceRequester Who, IReadOnlyList<RevealingGrant> Grants, EventSelection? Selection = null);

/// <summary>
/// One export running in the background (<see cref="EvidenceExportJobs"/>): its progress (the share of events drawn), its
/// status and, when it ends, the export's id and hashes or why it failed. Never holds the PDF once it is stored.
/// </summary>
public sealed class ExportJob
{
    private readonly object gate = new();
    private bool storing;

    public ExportJob(Guid id, ExportJobRequest request, DateTimeOffset queuedAt)
    {
        Id = id;
        Request = request;
        QueuedAt = queuedAt;
    }

    public Guid Id { get; }

    public ExportJobRequest Request { get; }

    public DateTimeOffset QueuedAt { get; }

    public ExportJobStatus Status { get; private set; } = ExportJobStatus.Queued;

    /// <summary>0…1, the share of events drawn.</summary>
    public double Progress { get; private set; }

    /// <summary>Why it failed or was cancelled, fit for the user.</summary>
    public string? Message { get; private set; }

    /// <summary>The finished export's id (its row in the case's list), when done.</summary>
    public string? ExportId { get; private set; }

    public bool IsFinished => Status is ExportJobStatus.Done or ExportJobStatus.Failed or ExportJobStatus.Cancelled;

    internal CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Raised (on a pool thread) on every change of status or progress.</summary>
    public event Action<ExportJob>? Changed;

    /// <summary>
    /// Asks the job to stop. Refused once the finished file is being stored (it is then stored and listed, never half
    /// kept) or when the job has ended: false.
    /// </summary>
    public bool Cancel()
    {
        lock (gate)
        {
            if (storing || IsFinished)
                return false;
            Cancellation.Cancel();
        }
        return true;
    }

    /// <summary>From here on a cancel is refused; throws if one came first (nothing is stored then).</summary>
    internal void BeginStoring()
    {
        lock (gate)
        {
            Cancellation.Token.ThrowIfCancellationRequested();
            storing = true;
        }
    }

    internal void Report(double share)
    {
        Progress = Math.Clamp(share, 0, 1);
        Changed?.Invoke(this);
    }

    internal void Set(ExportJobStatus status, string? message = null, string? exportId = null)
    {
        Status = status;
        Message = message;
        ExportId = exportId ?? ExportId;
        if (status == ExportJobStatus.Done)
            Progress = 1;
        Changed?.Invoke(this);
    }
}

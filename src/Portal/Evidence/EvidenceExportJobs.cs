using System.Collections.Concurrent;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Workspace;
using AuditPortal.Evidence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Evidence;

/// <summary>
/// The export jobs of this portal process (docs/evidence-pdf.md "From the portal"): one singleton, so a job does not belong
/// to the circuit that started it — closing the tab does not stop it, and any page of the case sees it. At most
/// <see cref="EvidenceExportOptions.MaxConcurrentExports"/> draw at once; the rest wait in order. Each job runs the engine
/// (<see cref="EvidencePdfExporter"/>: access-log entry first, bundle, PDF, sign) and stores the finished PDF with its
/// <c>workspace.evidence_exports</c> row in one transaction, as the engine's <c>record</c> step, before the outcome entry.
/// A failed or cancelled job stores nothing: it stays in this list (status and reason) until the process ends, and in
/// the access log (request entry and <c>query.failed</c> outcome) for good.
/// </summary>
public sealed class EvidenceExportJobs(EvidenceExportEngine engine, IDbContextFactory<WorkspaceDbContext> workspace, IOptions<EvidenceExportOptions> options,
    TimeProvider time, ILogger<EvidenceExportJobs> logger) : IAsyncDisposable
{
    public const string AccessLogDownMessage =
        "The access log cannot be written right now. Every export is recorded in it before anything is read, so no PDF was made. Please try again shortly.";
    public const string CancelledMessage = "Cancelled: no file was kept (the access log records the export as failed).";

    /// <summary>Finished jobs remembered for the case lists; older ones are dropped (the access log keeps them).</summary>
    public const int FinishedKept = 200;

    private readonly SemaphoreSlim slots = new(Math.Max(1, options.Value.MaxConcurrentExports));
    private readonly ConcurrentDictionary<Guid, (ExportJob Job, Task Task)> jobs = new();

    /// <summary>Raised (on a pool thread) when any job changes: pages of its case refresh.</summary>
    public event Action<ExportJob>? Changed;

    public ExportJob? Find(Guid id) => jobs.TryGetValue(id, out var j) ? j.Job : null;

    /// <summary>The case's jobs of this process, newest first.</summary>
    public IReadOnlyList<ExportJob> OfCase(Guid caseId) =>
        jobs.Values.Select(j => j.Job).Where(j => j.Request.CaseId == caseId).OrderByDescending(j => j.QueuedAt).ToArray();

    /// <summary>Queues the export; the caller has checked that the requester is an investigator member of the open case.</summary>
    public ExportJob Start(ExportJobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Prune();
        var job = new ExportJob(Guid.CreateVersion7(time.GetUtcNow()), request, time.GetUtcNow());
        job.Changed += j => Changed?.Invoke(j);
        // Listed and announced as queued before it can run: a listener never sees "running" before "queued".
        var run = new Task<Task>(() => RunAsync(job));
        lock (jobs)
            jobs[job.Id] = (job, run.Unwrap());
        Changed?.Invoke(job);
        run.Start(TaskScheduler.Default);
        return job;
    }

    /// <summary>Waits for a job to end (tests, shutdown).</summary>
    public Task WhenFinishedAsync(Guid id) => jobs.TryGetValue(id, out var j) ? j.Task : Task.CompletedTask;

    private async Task RunAsync(ExportJob job)
    {
        var ct = job.Cancellation.Token;
        var request = job.Request;
        var stored = false;
        try
        {
            await slots.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            job.Set(ExportJobStatus.Cancelled, "Cancelled before it started: nothing was read or recorded.");
            return;
        }
        try
        {
            job.Set(ExportJobStatus.Running);
            var exporter = engine.Create();
            var subjects = request.Grants.Select(g => g.Subject).Distinct(StringComparer.Ordinal).ToArray();
            var keys = subjects.Length == 0 ? new Dictionary<string, byte[]>() : await engine.GrantedKeysAsync(subjects, ct);
            Func<IReadOnlySet<string>, IPersonalFieldPresenter> presenter = erased => new GrantPresenter(erased, request.Grants, keys);
            async Task Record(EvidencePdfExport finished, CancellationToken _)
            {
                job.BeginStoring();
                await StoreAsync(request, finished);
                stored = true;
            }
            var export = request.Selection is { } selection
                ? await exporter.ExportSetAsync(selection, request.Who, presenter, new JobProgress(job), Record, ct)
                : await exporter.ExportStreamAsync(request.Scope.Stream, request.Who, presenter, new JobProgress(job), Record, ct, request.Scope.Window);
            job.Set(ExportJobStatus.Done, exportId: export.ExportId);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            job.Set(ExportJobStatus.Cancelled, CancelledMessage);
        }
        catch (AccessLogUnavailableException ex) when (stored)
        {
            // The file and its row are stored; only the outcome entry is missing (the request entry stands).
            logger.LogError(ex, "Evidence export job {Job}: stored, but its outcome could not be logged", job.Id);
            job.Set(ExportJobStatus.Done, "Stored; the access log could not record the outcome entry (its request entry records the export).");
        }
        catch (AccessLogUnavailableException ex)
        {
            logger.LogError(ex, "Evidence export job {Job}: the access log is down; nothing made", job.Id);
            job.Set(ExportJobStatus.Failed, AccessLogDownMessage);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException)
        {
            logger.LogError(ex, "Evidence export job {Job} failed", job.Id);
            job.Set(ExportJobStatus.Failed, $"The export failed and no file was kept: {ex.Message}");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Evidence export job {Job} failed", job.Id);
            job.Set(ExportJobStatus.Failed, "The export failed and no file was kept (the portal's log has the details). Please try again shortly.");
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The row and its PDF, one transaction: both or neither. Not cancellable once begun.</summary>
    private async Task StoreAsync(ExportJobRequest request, EvidencePdfExport export)
    {
        await using var db = await workspace.CreateDbContextAsync(CancellationToken.None);
        var row = CaseExportRecording.Row(export, request.CaseId, request.Who);
        db.EvidenceExports.Add(row);
        db.EvidenceExportFiles.Add(new EvidenceExportFile { ExportRowId = row.Id, Pdf = export.Pdf });
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private void Prune()
    {
        var finished = jobs.Values.Select(j => j.Job).Where(j => j.IsFinished).OrderByDescending(j => j.QueuedAt).Skip(FinishedKept).ToArray();
        foreach (var old in finished)
            jobs.TryRemove(old.Id, out _);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (job, _) in jobs.Values)
            job.Cancel();
        await Task.WhenAll(jobs.Values.Select(j => j.Task));
        slots.Dispose();
    }

    private sealed class JobProgress(ExportJob job) : IProgress<double>
    {
        public void Report(double value) => job.Report(value);
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Threading.Channels;
using AuditPortal.Data.Reading;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Auth;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Verification;

/// <summary>Who starts a run: an OIDC subject and display name, or a system service (<c>system:…</c>).</summary>
public sealed record RunStarter(string Subject, string DisplayName)
{
    public static RunStarter Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.FindFirst("sub")?.Value ?? user.Identity?.Name ?? "unknown";
        return new RunStarter(subject, user.Identity?.Name ?? subject);
    }
}

public enum StartOutcome
{
    Started,

    /// <summary>A run of the same scope is already running here; <see cref="StartResult.RunId"/> is that run.</summary>
    AlreadyRunning,

    /// <summary>No replica or no portal database is configured.</summary>
    Unavailable,
}

public sealed record StartResult(StartOutcome Outcome, Guid? RunId);

public enum CancelOutcome
{
    Cancelling,
    NotFound,
    Forbidden,
    AlreadyFinished,
}

/// <summary>
/// Runs verifications in the background, one per scope at a time (per portal process), and fans
/// their progress and findings out to any number of viewers (<see cref="LiveRun"/>). Every run is
/// registered in the portal database as it goes: findings as they are found, a heartbeat every
/// <see cref="VerificationOptions.HeartbeatInterval"/>, and a terminal event. A portal stopping
/// mid-run records it as interrupted; one that dies leaves a silent run that the registry shows as
/// interrupted after <see cref="VerificationOptions.StaleAfter"/>.
/// </summary>
/// <remarks>The caller (the start endpoint) authorizes and writes the access-log entry through the query gateway before calling <see cref="StartAsync"/>.</remarks>
public sealed class VerificationCoordinator(
    IVerificationBackend backend,
    IOptions<VerificationOptions> options,
    TimeProvider time,
    ILogger<VerificationCoordinator> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, (LiveRun Run, Task Task)> live = new();
    private readonly object startGate = new();
    private readonly string instance = Environment.MachineName + "/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
        + "/" + Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource stopping = new();

    private VerificationOptions Options => options.Value;

    /// <summary>This process's runs still in progress.</summary>
    public IEnumerable<LiveRun> Running => live.Values.Select(v => v.Run).Where(r => r.Done is null);

    public LiveRun? Find(Guid id) => live.TryGetValue(id, out var v) ? v.Run : null;

    /// <param name="totalRows">Rows the run will cover, when known (for the ETA).</param>
    /// <param name="accessLogSeq">The access-log entry that recorded the start.</param>
    public async Task<StartResult> StartAsync(RunScope scope, RunStarter starter, long? totalRows, long? accessLogSeq, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(starter);
        if (backend.Store is not { } store)
            return new StartResult(StartOutcome.Unavailable, null);

        LiveRun run;
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        LedgerVerificationRunner? runner;
        lock (startGate)
        {
            if (Running.FirstOrDefault(r => r.Registered.Scope.Key == scope.Key) is { } existing)
            {
                cancellation.Dispose();
                return new StartResult(StartOutcome.AlreadyRunning, existing.Id);
            }
            var registered = new VerificationRun(Guid.CreateVersion7(time.GetUtcNow()), scope, starter.Subject, starter.DisplayName,
                time.GetUtcNow(), instance, accessLogSeq, RunStatus.Running, null, null, 0);
            run = new LiveRun(registered, cancellation, Options.MaxFindings);
            var findings = Channel.CreateUnbounded<RunFinding>(new UnboundedChannelOptions { SingleReader = true });
            runner = backend.CreateRunner(scope, f => findings.Writer.TryWrite(run.AddFinding(f, time.GetUtcNow())));
            if (runner is null)
            {
                cancellation.Dispose();
                return new StartResult(StartOutcome.Unavailable, null);
            }
            // Registered before the lock is left, so a second start of the same scope sees it.
            var task = Task.Run(() => ExecuteAsync(run, runner, store, findings, totalRows), CancellationToken.None);
            live[run.Id] = (run, task);
        }
        await Task.CompletedTask;
        ct.ThrowIfCancellationRequested();
        return new StartResult(StartOutcome.Started, run.Id);
    }

    /// <summary>Cancels a run of this process: its starter or an admin may.</summary>
    public CancelOutcome Cancel(Guid id, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Find(id) is not { } run)
            return CancelOutcome.NotFound;
        if (run.Done is not null)
            return CancelOutcome.AlreadyFinished;
        var who = RunStarter.Of(user);
        if (who.Subject != run.Registered.StartedBy && !user.IsInRole(PortalRoles.Admin))
            return CancelOutcome.Forbidden;
        run.CancelledBy ??= who.DisplayName;
        run.Cancellation.Cancel();
        return CancelOutcome.Cancelling;
    }

    private async Task ExecuteAsync(LiveRun run, LedgerVerificationRunner runner, VerificationRunStore store,
        Channel<RunFinding> findings, long? totalRows)
    {
        var ct = run.Cancellation.Token;
        RunOutcome outcome;
        try
        {
            await store.CreateAsync(new NewVerificationRun(run.Id, run.Registered.Scope, run.Registered.StartedBy,
                run.Registered.StartedByName, run.Registered.StartedAt, instance, run.Registered.AccessLogSeq), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Verification run {RunId}: could not be registered; not started", run.Id);
            run.Finish(new RunDone(RunStatus.Failed, null));
            live.TryRemove(run.Id, out _);
            return;
        }

        using var heartbeatStop = new CancellationTokenSource();
        var writer = PersistFindingsAsync(run, store, findings.Reader);
        var heartbeat = HeartbeatAsync(run, store, heartbeatStop.Token);
        try
        {
            var result = await runner.RunAsync(Request(run.Registered.Scope), new LiveProgress(run, totalRows), ct);
            var status = !result.Cancelled ? RunStatus.Completed
                : stopping.IsCancellationRequested && run.CancelledBy is null ? RunStatus.Interrupted
                : RunStatus.Cancelled;
            outcome = new RunOutcome(status, time.GetUtcNow(), result.Rows, result.RowsPerSecond, result.HeadSeq,
                result.HeadHash is null ? null : HashHex.ToHex(result.HeadHash), result.Root is null ? null : HashHex.ToHex(result.Root),
                result.TotalFindings, status == RunStatus.Cancelled ? run.CancelledBy : status == RunStatus.Interrupted ? "portal stopped" : null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var status = stopping.IsCancellationRequested && run.CancelledBy is null ? RunStatus.Interrupted : RunStatus.Cancelled;
            var p = run.Progress;
            outcome = new RunOutcome(status, time.GetUtcNow(), p?.Rows ?? 0, p?.RowsPerSecond ?? 0, p?.CurrentSeq ?? 0, null, null,
                run.FindingCount, status == RunStatus.Cancelled ? run.CancelledBy : "portal stopped");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Verification run {RunId} failed", run.Id);
            var p = run.Progress;
            outcome = new RunOutcome(RunStatus.Failed, time.GetUtcNow(), p?.Rows ?? 0, p?.RowsPerSecond ?? 0, p?.CurrentSeq ?? 0, null, null,
                run.FindingCount, Error: ex.GetType().Name + ": " + ex.Message);
        }

        findings.Writer.TryComplete();
        await heartbeatStop.CancelAsync();
        await heartbeat;
        await writer; // every finding is stored before the run is marked finished
        try
        {
            await store.FinishAsync(run.Id, outcome, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Without a terminal event the registry shows the run as interrupted once it is stale: never clean.
            logger.LogError(ex, "Verification run {RunId}: could not record its outcome {Status}", run.Id, outcome.Status);
        }
        run.Finish(new RunDone(outcome.Status, outcome));
        logger.LogInformation("Verification run {RunId} ({Scope}) {Status}: {Rows} rows, {Findings} findings",
            run.Id, run.Registered.Scope.Key, outcome.Status, outcome.Rows, outcome.TotalFindings);
        live.TryRemove(run.Id, out _);
    }

    private VerificationRequest Request(RunScope scope)
    {
        var settings = new VerificationRequest(MaxRowsPerSecond: Options.MaxRowsPerSecond, ThreadNice: Options.ThreadNice);
        return scope.Kind switch
        {
            RunScopeKind.Whole or RunScopeKind.AccessLog => settings with { Parallelism = Math.Max(1, Options.Parallelism) },
            RunScopeKind.Range => settings with { From = scope.From, To = scope.To },
            _ => settings with { Stream = scope.Stream },
        };
    }

    private async Task PersistFindingsAsync(LiveRun run, VerificationRunStore store, ChannelReader<RunFinding> reader)
    {
        var batch = new List<RunFinding>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < 500 && reader.TryRead(out var f))
            {
                if (f.Ordinal <= Options.MaxFindings)
                    batch.Add(f);
            }
            if (batch.Count == 0)
                continue;
            try
            {
                await store.AppendFindingsAsync(run.Id, batch[0].Ordinal, batch.Select(f => (f.Finding, f.FoundAt)).ToList(), CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Verification run {RunId}: could not store {Count} finding(s) from #{First}", run.Id, batch.Count, batch[0].Ordinal);
            }
            batch.Clear();
        }
    }

    private async Task HeartbeatAsync(LiveRun run, VerificationRunStore store, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var p = run.Progress;
                try
                {
                    await store.HeartbeatAsync(run.Id, new RunHeartbeat(time.GetUtcNow(), p?.Rows ?? 0, p?.CurrentSeq ?? 0,
                        p?.RowsPerSecond ?? 0, run.FindingCount), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Verification run {RunId}: heartbeat not stored", run.Id);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops every run of this process; each records itself as interrupted.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        var tasks = live.Values.Select(v => v.Task).ToArray();
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(10), TimeProvider.System));
        stopping.Dispose();
    }

    /// <summary>Reports straight into the live run (no synchronization context hop, so reports stay in order).</summary>
    private sealed class LiveProgress(LiveRun run, long? totalRows) : IProgress<VerificationProgress>
    {
        public void Report(VerificationProgress value) => run.SetProgress(RunProgress.From(value, totalRows));
    }
}

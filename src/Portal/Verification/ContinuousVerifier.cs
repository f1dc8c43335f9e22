using System.Collections.Concurrent;
using AuditPortal.Data.Reading;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// Verifies the ledger as it grows, without anyone asking: every <see cref="VerificationOptions.PollInterval"/>
/// it reads the standby's head and verifies the new rows (from the last verified seq + 1, linked to the
/// stored hash before them); every <see cref="VerificationOptions.FullPassInterval"/> (and first of all,
/// when no full pass is on record) it re-verifies the whole ledger as a registered run. Each advance
/// is recorded in <c>portal.verified_heads</c>; an incremental pass that finds anything is registered
/// as a run with its findings, so the dashboard can show them.
/// </summary>
/// <remarks>A system process, not a user query: it is not in the access log (the access log records who looked at what); its passes are in the run registry.</remarks>
public sealed class ContinuousVerifier(
    IVerificationBackend backend,
    PortalDatabases databases,
    VerificationCoordinator coordinator,
    IOptions<VerificationOptions> options,
    TimeProvider time,
    ILogger<ContinuousVerifier> logger) : BackgroundService
{
    public static readonly RunStarter Starter = new("system:continuous-verifier", "continuous verifier");

    private VerifiedHead? verified;
    private Guid? fullPass;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Continuous || backend.Store is not { } store || databases.Replica is null)
        {
            logger.LogInformation("Continuous verification is off (disabled, or no replica / portal database configured)");
            return;
        }
        using var timer = new PeriodicTimer(o.PollInterval, time);
        do
        {
            try
            {
                await AccessLogPassAsync(store, o, stoppingToken);
                await PassAsync(store, o, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Continuous verification: pass failed; retrying in {Interval}", o.PollInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// A whole pass of the access log when the last one started longer than <see cref="VerificationOptions.AccessLogPassInterval"/>
    /// ago: a run of scope <see cref="RunScope.AccessLog"/> like one an admin starts (the dashboard shows the latest).
    /// </summary>
    private async Task AccessLogPassAsync(VerificationRunStore store, VerificationOptions o, CancellationToken ct)
    {
        if (o.AccessLogPassInterval <= TimeSpan.Zero || databases.AccessLogReplica is null)
            return;
        var last = await store.LatestOfKindAsync(RunScopeKind.AccessLog, ct);
        if (last is not null && (last.Status == RunStatus.Running || time.GetUtcNow() - last.StartedAt < o.AccessLogPassInterval))
            return;
        await coordinator.StartAsync(RunScope.AccessLog, Starter, totalRows: null, accessLogSeq: null, ct);
    }

    private async Task PassAsync(VerificationRunStore store, VerificationOptions o, CancellationToken ct)
    {
        verified ??= await store.LatestVerifiedHeadAsync(ct);

        // A full pass in progress: when it ends, its head becomes the verified head.
        if (fullPass is { } id)
        {
            var run = await store.GetAsync(id, ct);
            if (run is null || run.Status == RunStatus.Running)
                return;
            fullPass = null;
            if (run.Outcome is { Status: RunStatus.Completed, HeadHash: { } hash } outcome)
            {
                verified = new VerifiedHead(outcome.At, outcome.HeadSeq, hash, run.Id, outcome.TotalFindings);
                await store.RecordVerifiedHeadAsync(verified, ct);
            }
            return;
        }

        var last = await store.LastFullPassAsync(ct);
        var due = last is null || (o.FullPassInterval > TimeSpan.Zero && time.GetUtcNow() - last.Outcome!.At >= o.FullPassInterval);
        if (due || verified is null)
        {
            var head = await new LedgerRowReader(databases.Replica!.DataSource).HeadSeqAsync(ct);
            var start = await coordinator.StartAsync(RunScope.Whole, Starter, head, accessLogSeq: null, ct);
            if (start.Outcome is StartOutcome.Started or StartOutcome.AlreadyRunning)
                fullPass = start.RunId;
            return;
        }

        var reader = new LedgerRowReader(databases.Replica!.DataSource);
        var headSeq = await reader.HeadSeqAsync(ct);
        if (headSeq <= verified.HeadSeq)
            return;
        await IncrementAsync(store, verified.HeadSeq + 1, headSeq, ct);
    }

    private async Task IncrementAsync(VerificationRunStore store, long from, long to, CancellationToken ct)
    {
        var found = new ConcurrentQueue<(Finding, DateTimeOffset)>();
        var runner = backend.CreateRunner(RunScope.Whole, f => found.Enqueue((f, time.GetUtcNow())));
        if (runner is null)
            return;
        var started = time.GetUtcNow();
        var result = await runner.RunAsync(new VerificationRequest(From: from, To: to, ThreadNice: options.Value.ThreadNice), null, ct);
        if (result.Cancelled || result.HeadHash is null)
            return;
        Guid? runId = null;
        if (!found.IsEmpty)
        {
            // Registered like any run, so its findings are listed, streamed and counted as open.
            runId = Guid.CreateVersion7(started);
            await store.CreateAsync(new NewVerificationRun(runId.Value, RunScope.ForRange(from, to), Starter.Subject, Starter.DisplayName,
                started, "continuous", null), ct);
            await store.AppendFindingsAsync(runId.Value, 1, found.ToList(), ct);
            await store.FinishAsync(runId.Value, new RunOutcome(RunStatus.Completed, time.GetUtcNow(), result.Rows, result.RowsPerSecond,
                result.HeadSeq, HashHex.ToHex(result.HeadHash), null, result.TotalFindings), ct);
            logger.LogWarning("Continuous verification: {Count} finding(s) in seq {From}-{To} (run {RunId})", result.TotalFindings, from, to, runId);
        }
        verified = new VerifiedHead(time.GetUtcNow(), result.HeadSeq, HashHex.ToHex(result.HeadHash), runId, result.TotalFindings);
        await store.RecordVerifiedHeadAsync(verified, ct);
    }
}

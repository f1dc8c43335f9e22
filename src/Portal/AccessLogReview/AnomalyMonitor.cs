using AuditPortal.Data.PersonalData;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.AccessLog.Anomalies;
using AuditPortal.Portal.Gateway;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// Follows the access log as it grows and feeds each logged query once, in seq order, to the <see cref="AnomalyEngine"/>
/// (docs/access-log-review.md, "Anomaly flags"), and persists what it raises (<see cref="AnomalyFlagStore"/>): each page's
/// flags at once, and the watermark — the last seq evaluated with the rules' state after it — at the end of every pass
/// and every <see cref="WatermarkEvery"/> entries. It resumes from the watermark (a restart, or a failed write: the
/// engine is rebuilt from what was stored, and flags raised again are the same keys, stored once); only the first start
/// without one begins <c>BaselineDays</c> back. So each entry is evaluated once, never by a rescan. A request waits for
/// its outcome at most <see cref="OutcomeGrace"/> (the repeated-refusals rule needs it), then counts as pending. Like the
/// continuous verifier it is a system service, not a user: its reads are not access-log entries.
/// </summary>
public sealed class AnomalyMonitor(PortalDatabases databases, AnomalyMonitorStatus status, IOptions<AnomalyMonitorOptions> monitorOptions, TimeProvider time,
    ILogger<AnomalyMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan OutcomeGrace = TimeSpan.FromSeconds(30);

    /// <summary>Entries evaluated between two watermarks while catching up.</summary>
    public const int WatermarkEvery = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = monitorOptions.Value;
        if (!options.Enabled || databases.AccessLogReader is not { } reader || databases.AnomalyFlags is not { } store)
            return;
        var erased = new HashSet<string>(StringComparer.Ordinal);
        AnomalyEngine? engine = null;
        var filter = new AccessLogFilter();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshErasedAsync(erased, stoppingToken);
                AccessLogFilter? start = null;
                if (engine is null)
                {
                    engine = new AnomalyEngine(options.Rules, erased.Contains);
                    if (await store.ResumePointAsync(engine.ConfigurationKey, stoppingToken) is { State: { } state } resume)
                    {
                        engine.LoadState(state);
                        status.Resumed(resume.EvaluatedSeq);
                    }
                    else
                    {
                        start = new AccessLogFilter { From = time.GetUtcNow().UtcDateTime.AddDays(-options.Rules.BaselineDays) };
                    }
                }
                var saved = engine.LastSeq;
                while (true)
                {
                    var batch = await reader.ForwardAsync(start ?? filter, engine.LastSeq, AccessLogReader.MaxPageSize, stoppingToken);
                    start = null;
                    var now = time.GetUtcNow().UtcDateTime;
                    var raised = new List<AnomalyFlag>();
                    var taken = 0;
                    foreach (var item in batch)
                    {
                        if (item.Completion is null && now - item.RecordedAt < OutcomeGrace)
                            break; // keep seq order: wait for this one's outcome
                        raised.AddRange(engine.Observe(AccessObservation.From(item)));
                        taken++;
                    }
                    var caughtUp = taken < AccessLogReader.MaxPageSize;
                    var advanced = engine.LastSeq > saved;
                    var watermark = advanced && (caughtUp || engine.LastSeq - saved >= WatermarkEvery)
                        ? new AnomalyWatermark(engine.ConfigurationKey, engine.LastSeq, now, engine.SaveState())
                        : null;
                    await store.SaveAsync(raised, watermark, now, stoppingToken);
                    if (watermark is not null)
                        saved = watermark.EvaluatedSeq;
                    status.Observed(taken, engine.LastSeq);
                    if (caughtUp)
                        break;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                engine = null; // start again from what was stored
                logger.LogWarning(ex, "Anomaly monitor: could not read the access log or store its flags; resuming from the stored watermark");
            }
            try
            {
                await Task.Delay(options.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The crypto-shredded subjects, from the ledger's standby (a small table; no personal data).</summary>
    private async Task RefreshErasedAsync(HashSet<string> erased, CancellationToken ct)
    {
        if (databases.Replica is not { } replica)
            return;
        await using var session = await replica.BeginReadOnlyAsync(ct);
        erased.UnionWith((await KeyStore.ErasuresAsync(session.Connection, session.Transaction, subjects: null, ct)).Keys);
    }
}

/// <summary><c>Portal:AccessLog:Anomalies</c>: the monitor's switch and poll interval, and the rules' thresholds.</summary>
public sealed class AnomalyMonitorOptions
{
    public bool Enabled { get; set; } = true;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    public AnomalyOptions Rules { get; set; } = new();
}

/// <summary>What this process's monitor has done: where it resumed, how many entries it evaluated (operations and tests).</summary>
public sealed class AnomalyMonitorStatus
{
    private long observed;
    private long resumedFrom = -1;
    private long lastSeq;

    /// <summary>Entries evaluated by this process's monitor since it started.</summary>
    public long EntriesObserved => Interlocked.Read(ref observed);

    /// <summary>The watermark seq the monitor last resumed from; null when it started without one.</summary>
    public long? ResumedFromSeq => Interlocked.Read(ref resumedFrom) is var seq and >= 0 ? seq : null;

    /// <summary>The last seq evaluated by this process.</summary>
    public long LastSeq => Interlocked.Read(ref lastSeq);

    internal void Resumed(long seq) => Interlocked.Exchange(ref resumedFrom, seq);

    internal void Observed(int entries, long seq)
    {
        Interlocked.Add(ref observed, entries);
        Interlocked.Exchange(ref lastSeq, seq);
    }
}

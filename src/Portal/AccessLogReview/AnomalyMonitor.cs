using AuditPortal.Data.PersonalData;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.AccessLog.Anomalies;
using AuditPortal.Portal.Gateway;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// Follows the access log as it grows and feeds each logged query once, in seq order, to the <see cref="AnomalyEngine"/>
/// (docs/access-log-review.md, "Anomaly flags"). It starts <c>BaselineDays</c> back (the volume rule's history) and then
/// reads only entries after the last one seen: incremental, never a rescan. A request waits for its outcome at most
/// <see cref="OutcomeGrace"/> (the repeated-refusals rule needs it), then counts as pending. Like the continuous
/// verifier it is a system service, not a user: its reads are not access-log entries.
/// </summary>
public sealed class AnomalyMonitor(PortalDatabases databases, AnomalyFlags flags, IOptions<AnomalyMonitorOptions> monitorOptions, TimeProvider time,
    ILogger<AnomalyMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan OutcomeGrace = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = monitorOptions.Value;
        if (!options.Enabled || databases.AccessLogReader is not { } reader)
            return;
        var erased = new HashSet<string>(StringComparer.Ordinal);
        var engine = new AnomalyEngine(options.Rules, erased.Contains);
        flags.Describe(engine.Rules);
        var start = new AccessLogFilter { From = time.GetUtcNow().UtcDateTime.AddDays(-options.Rules.BaselineDays) };
        var filter = new AccessLogFilter();
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshErasedAsync(erased, stoppingToken);
                while (true)
                {
                    var batch = await reader.ForwardAsync(first ? start : filter, engine.LastSeq, AccessLogReader.MaxPageSize, stoppingToken);
                    first = false;
                    var now = time.GetUtcNow().UtcDateTime;
                    var taken = 0;
                    foreach (var item in batch)
                    {
                        if (item.Completion is null && now - item.RecordedAt < OutcomeGrace)
                            break; // keep seq order: wait for this one's outcome
                        flags.Add(engine.Observe(AccessObservation.From(item)));
                        taken++;
                    }
                    flags.Caught(engine.LastSeq, now);
                    if (taken < AccessLogReader.MaxPageSize)
                        break;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Anomaly monitor: could not read the access log; trying again");
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

/// <summary>The flags raised since the portal started (newest first, at most <see cref="Capacity"/>), shared by every admin's page.</summary>
public sealed class AnomalyFlags
{
    public const int Capacity = 10_000;
    private readonly Lock gate = new();
    private readonly LinkedList<AnomalyFlag> flags = new();
    private IReadOnlyList<(string Id, int Version, string Description)> rules = [];

    /// <summary>The access-log seq the monitor has evaluated up to, and when; 0 before it first ran.</summary>
    public (long Seq, DateTime At) EvaluatedUpTo { get; private set; }

    public void Describe(IEnumerable<AnomalyRule> engineRules)
    {
        lock (gate)
            rules = engineRules.Select(r => (r.Id, r.Version, r.Description)).ToList();
    }

    public void Add(IReadOnlyList<AnomalyFlag> raised)
    {
        if (raised.Count == 0)
            return;
        lock (gate)
        {
            foreach (var flag in raised)
            {
                flags.AddFirst(flag);
                if (flags.Count > Capacity)
                    flags.RemoveLast();
            }
        }
    }

    public void Caught(long seq, DateTime at) => EvaluatedUpTo = (seq, at);

    public (IReadOnlyList<AnomalyFlag> Flags, IReadOnlyList<(string Id, int Version, string Description)> Rules) Snapshot()
    {
        lock (gate)
            return (flags.ToList(), rules);
    }
}

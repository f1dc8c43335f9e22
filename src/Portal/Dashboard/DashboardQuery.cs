using System.Security.Claims;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Reading;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Portal.Dashboard;

/// <summary>What the home page shows: the gateway's answer and the user's own recent queries.</summary>
public sealed record DashboardModel(GatewayResult<DashboardView> Ledger, IReadOnlyList<AccessLogItem>? RecentQueries);

/// <summary>The home dashboard's query (<see cref="QueryKinds.DashboardRead"/>), through the gateway.</summary>
public sealed class DashboardQuery(QueryGateway gateway, PortalDatabases databases, CheckpointKeySource keys,
    CheckpointSignatureMemo signatures, GrowthSampleCache growthSamples, ILogger<DashboardQuery> logger)
{
    public const int RecentQueryCount = 10;

    /// <summary>Points of the ledger-growth chart up to the latest checkpoint (each one primary-key lookup, read once per checkpoint); the head is added.</summary>
    public const int GrowthPoints = 48;

    public async Task<DashboardModel> LoadAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var ledger = await gateway.RunAsync(QueryKinds.DashboardRead, user, new { }, purpose: null,
            (session, token) => ReadAsync(session, session.LedgerSize, session.CheckpointSize, token), ct);
        IReadOnlyList<AccessLogItem>? recent = null;
        if (ledger.Status != GatewayStatus.AccessLogUnavailable && databases.AccessLogReader is { } reader
            && (user.FindFirst("sub")?.Value ?? user.UserName()) is { } subject)
        {
            try
            {
                // Read from the access log's standby when one is configured: the current query may not be there yet.
                recent = (await reader.RecentOfUserAsync(subject, RecentQueryCount, ct: ct)).Items;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Access log: could not read the recent queries of {User}", user.UserName());
            }
        }
        return new DashboardModel(ledger, recent);
    }

    /// <summary>
    /// The dashboard and its record ids (the head event, the latest checkpoint), for the page and for the bounded re-run
    /// ("what did they see", docs/access-log-review.md): the ledger up to <paramref name="ledgerSize"/> and the checkpoints
    /// up to <paramref name="checkpointSize"/> (the page passes its snapshot's, a re-run the logged ones). The replica's lag is
    /// the standby's now either way; it is not a record.
    /// </summary>
    public async Task<QueryAnswer<DashboardView>> ReadAsync(ReplicaSession session, long ledgerSize, long checkpointSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var ids = new List<string>(2);
        LedgerHead? head = null;
        LedgerGrowthPoint? headPoint = null;
        // The head and the standby's lag in one statement; the latest checkpoint through the one checkpoint reader, in
        // the same snapshot (the gateway's session is REPEATABLE READ).
        var (headEvent, lag) = await HeadEventQuery.ReadAsync(session.Connection, session.Transaction, ledgerSize, ct);
        if (headEvent is not null)
        {
            head = new LedgerHead(headEvent.Seq, HashHex.ToHex(headEvent.Hash));
            ids.Add(headEvent.EventId.ToString("D"));
            headPoint = new LedgerGrowthPoint(head.Size, new DateTimeOffset(headEvent.RecordedAt));
        }
        CheckpointStatus? checkpoint = null;
        if (await CheckpointStore.LatestAsync(session.Connection, session.Transaction, checkpointSize, ct) is { } row)
        {
            checkpoint = Verify(row);
            ids.Add(RecordId.Checkpoint(row.Size));
        }
        var growth = await GrowthAsync(session, head, checkpoint, headPoint, ct);
        return QueryAnswer.Of(new DashboardView(head, checkpoint, lag, growth), ids);
    }

    /// <summary>
    /// The chart's samples: up to the latest checkpoint from <see cref="GrowthSampleCache"/> (read once per
    /// checkpoint), then the head read in this view, so the chart ends at the head shown above it. Without a
    /// checkpoint the samples run to the head (and are cached until it moves).
    /// </summary>
    private async Task<IReadOnlyList<LedgerGrowthPoint>> GrowthAsync(ReplicaSession session, LedgerHead? head, CheckpointStatus? checkpoint,
        LedgerGrowthPoint? headPoint, CancellationToken ct)
    {
        if (head is null || headPoint is null)
            return [];
        var key = checkpoint is { } c && c.Size <= head.Size ? new GrowthSampleCache.Key(c.Size, c.RootHash) : new GrowthSampleCache.Key(head.Size, head.HeadHash);
        var samples = await growthSamples.GetAsync(key,
            () => LedgerGrowthReader.ReadAsync(session.Connection, session.Transaction, GrowthPoints, key.Size, ct));
        return samples.Count > 0 && samples[^1].Seq >= head.Size ? samples : [.. samples, headPoint];
    }

    private CheckpointStatus Verify(StoredCheckpoint row)
    {
        var rootHex = HashHex.ToHex(row.RootHash);
        if (row.Problem is { } problem)
            return new CheckpointStatus(row.Size, row.Time, rootHex, row.KeyId, SignatureCheck.Malformed, problem);
        if (keys.Key is not { } key)
            return new CheckpointStatus(row.Size, row.Time, rootHex, row.KeyId, SignatureCheck.NoPublicKey, keys.Problem);
        var valid = signatures.Verifies(key, row.Signed);
        return new CheckpointStatus(row.Size, row.Time, rootHex, row.KeyId, valid ? SignatureCheck.Valid : SignatureCheck.Invalid,
            valid ? null : $"the signature does not verify with the configured key {key.KeyId}");
    }
}

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

    // One statement: the head and the standby's replay position (the LEFT JOIN keeps the row when the
    // ledger is empty); the latest checkpoint through the one checkpoint reader, in the same read-only
    // transaction (the gateway's session is REPEATABLE READ, so both see one snapshot).
    private const string DashboardSql = """
        SELECT h.seq, h.hash, h.event_id,
               pg_is_in_recovery(),
               pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint,
               now() - pg_last_xact_replay_timestamp(),
               h.recorded_at
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (SELECT seq, hash, event_id, recorded_at FROM ledger.events WHERE seq <= $1 ORDER BY seq DESC LIMIT 1) h ON true
        """;

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
        ReplicaLag lag;
        await using var cmd = session.CreateCommand(DashboardSql);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = ledgerSize });
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            if (!reader.IsDBNull(0))
            {
                head = new LedgerHead(reader.GetInt64(0), HashHex.ToHex(reader.GetFieldValue<byte[]>(1)));
                ids.Add(reader.GetGuid(2).ToString("D"));
                headPoint = new LedgerGrowthPoint(head.Size, new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc)));
            }
            lag = new ReplicaLag(
                reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : Math.Max(0, reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<TimeSpan>(5));
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

using System.Security.Claims;
using AuditPortal.Data.AccessLog;
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
    CheckpointSignatureMemo signatures, ILogger<DashboardQuery> logger)
{
    public const int RecentQueryCount = 10;

    /// <summary>Points of the ledger-growth chart (each one primary-key lookup).</summary>
    public const int GrowthPoints = 48;

    public async Task<DashboardModel> LoadAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var ledger = await gateway.RunAsync(QueryKinds.DashboardRead, user, new { }, purpose: null, ReadAsync, ct);
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

    // One statement, so one round trip: the head, the latest checkpoint and the standby's replay
    // position. A single statement sees one snapshot anyway; the LEFT JOINs keep the row when the
    // ledger or the checkpoint table is empty.
    private const string DashboardSql = """
        SELECT h.seq, h.hash, h.event_id,
               c.size, c.checkpoint_time, c.root_hash, c.text, c.signature, c.key_id,
               pg_is_in_recovery(),
               pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint,
               now() - pg_last_xact_replay_timestamp()
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (SELECT seq, hash, event_id FROM ledger.events ORDER BY seq DESC LIMIT 1) h ON true
        LEFT JOIN LATERAL (SELECT size, checkpoint_time, root_hash, text, signature, key_id
                           FROM ledger.checkpoints ORDER BY size DESC LIMIT 1) c ON true
        """;

    private async Task<QueryAnswer<DashboardView>> ReadAsync(ReplicaSession session, CancellationToken ct)
    {
        var ids = new List<string>(2);
        LedgerHead? head = null;
        CheckpointStatus? checkpoint = null;
        await using var cmd = session.CreateCommand(DashboardSql);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (!reader.IsDBNull(0))
        {
            head = new LedgerHead(reader.GetInt64(0), HashHex.ToHex(reader.GetFieldValue<byte[]>(1)));
            ids.Add(reader.GetGuid(2).ToString("D"));
        }
        if (!reader.IsDBNull(3))
        {
            var size = reader.GetInt64(3);
            checkpoint = Verify(size, reader.GetFieldValue<DateTime>(4), reader.GetFieldValue<byte[]>(5),
                reader.GetString(6), reader.GetFieldValue<byte[]>(7), reader.GetString(8));
            ids.Add(FormattableString.Invariant($"checkpoint:{size}"));
        }
        var lag = new ReplicaLag(
            reader.GetBoolean(9),
            reader.IsDBNull(10) ? null : Math.Max(0, reader.GetInt64(10)),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<TimeSpan>(11));
        await reader.DisposeAsync();
        // Same transaction, same snapshot: the growth chart ends at the head shown above it.
        var growth = await LedgerGrowthReader.ReadAsync(session.Connection, session.Transaction, GrowthPoints, ct);
        return QueryAnswer.Of(new DashboardView(head, checkpoint, lag, growth), ids);
    }

    private CheckpointStatus Verify(long size, DateTime time, byte[] root, string text, byte[] signature, string keyId)
    {
        var rootHex = HashHex.ToHex(root);
        Checkpoint parsed;
        try
        {
            parsed = Checkpoint.Parse(text);
        }
        catch (FormatException ex)
        {
            return new CheckpointStatus(size, time, rootHex, keyId, SignatureCheck.Malformed, ex.Message);
        }
        if (parsed.Size != size || HashHex.ToHex(parsed.RootHash) != rootHex)
            return new CheckpointStatus(size, time, rootHex, keyId, SignatureCheck.Malformed, "the row's columns disagree with its signed text");
        if (keys.Key is not { } key)
            return new CheckpointStatus(size, time, rootHex, keyId, SignatureCheck.NoPublicKey, keys.Problem);
        var valid = signatures.Verifies(key, new SignedCheckpoint(parsed, signature));
        return new CheckpointStatus(size, time, rootHex, keyId, valid ? SignatureCheck.Valid : SignatureCheck.Invalid,
            valid ? null : $"the signature does not verify with the configured key {key.KeyId}");
    }
}

using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Proofs;
using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.Hosting;

/// <summary>
/// Builds the subtree-hash cache (docs/proof-cache.md) up to the latest checkpoint once, in the background,
/// right after the portal starts, so the first timeline badge or proofs page does not pay for reading every
/// leaf hash of the ledger (about 20 s at 10M events).
/// </summary>
/// <remarks>
/// Off with <c>Portal:Proofs:WarmUp=false</c>. It only reads leaf hashes, which are not ledger data shown to
/// anyone, so it does not go through the query gateway. A replica that is down or a ledger without a
/// checkpoint leaves the cache empty: the first request builds it as before.
/// </remarks>
public sealed class ProofCacheWarmUp(PortalDatabases databases, TiledProofSource tiles, IConfiguration configuration,
    ILogger<ProofCacheWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Portal:Proofs:WarmUp", true) || databases.Replica is not { } replica)
            return;
        try
        {
            long size;
            await using (var connection = await replica.DataSource.OpenConnectionAsync(stoppingToken))
                size = await CheckpointStore.LatestSizeAsync(connection, null, stoppingToken);
            if (size == 0)
                return;
            var started = TimeProvider.System.GetTimestamp();
            await tiles.CoverAsync(replica.DataSource, size, stoppingToken);
            logger.LogInformation("Proof cache covers {Size} leaves after {Elapsed}", size, TimeProvider.System.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or InvalidDataException)
        {
            logger.LogWarning(ex, "Proof cache warm-up skipped; the first proof request builds the cache");
        }
    }
}

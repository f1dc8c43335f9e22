using AuditPortal.Data.Proofs;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Timeline;

namespace AuditPortal.Portal.Hosting;

public static class PortalDataExtensions
{
    /// <summary>
    /// The data side of the portal: database connections from <c>ConnectionStrings:Replica</c> (reader
    /// role, standby), <c>ConnectionStrings:AccessLog</c> (access-log writer, primary) and
    /// <c>ConnectionStrings:AccessLogReplica</c> (access-log reader), the access-log writer and reader,
    /// the query gateway, the checkpoint public key and the queries pages use.
    /// </summary>
    public static IServiceCollection AddPortalData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<PortalDatabases>();
        services.AddSingleton<CheckpointKeySource>();
        services.AddSingleton<CheckpointSignatureMemo>();
        services.AddSingleton<GrowthSampleCache>();
        services.AddScoped<ClientConnection>();
        services.AddScoped<QueryGateway>();
        services.AddScoped<DashboardQuery>();
        services.AddSingleton<StreamProofCache>();
        // Replayed as-of states shared by every viewer (docs/timeline.md, "As-of cache"); Portal:Timeline:AsOfCacheEvents bounds it.
        services.AddSingleton(sp => new AuditPortal.Data.Projections.AsOfStateCache(sp.GetRequiredService<TimeProvider>(),
            configuration.GetValue("Portal:Timeline:AsOfCacheEvents", AuditPortal.Data.Projections.AsOfStateCache.DefaultBudget)));
        services.AddSingleton(sp => ProofTiles(sp, configuration));
        services.AddHostedService<ProofCacheWarmUp>();
        services.AddScoped<TimelineQueries>();
        services.AddScoped<Lineage.LineageQueries>();
        return services;
    }

    /// <summary>
    /// The subtree-hash cache behind the timeline badge and the proofs page (docs/proof-cache.md), one per
    /// process: tile height from <c>Portal:Proofs:TileHeight</c> (default 8). A cached proof that fails
    /// where the streamed one verifies is logged as a warning.
    /// </summary>
    private static TiledProofSource ProofTiles(IServiceProvider services, IConfiguration configuration)
    {
        var height = configuration.GetValue("Portal:Proofs:TileHeight", TiledProofSource.DefaultHeight);
        if (height is < 0 or > AuditPortal.Verification.Merkle.SubtreeHashCache.MaxHeight)
            throw new InvalidOperationException($"Portal:Proofs:TileHeight is {height}, want 0 to {AuditPortal.Verification.Merkle.SubtreeHashCache.MaxHeight}");
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<TiledProofSource>();
        return new TiledProofSource(height)
        {
            MismatchReported = finding => logger.LogWarning("Proof cache mismatch, cache dropped and proof streamed from the ledger: {Finding}", finding),
        };
    }
}

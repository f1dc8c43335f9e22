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
        services.AddScoped<QueryGateway>();
        services.AddScoped<DashboardQuery>();
        services.AddSingleton<StreamProofCache>();
        services.AddScoped<TimelineQueries>();
        return services;
    }
}

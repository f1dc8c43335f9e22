using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.Hosting;

public static class PortalDataExtensions
{
    /// <summary>
    /// The data side of the portal: database connections from <c>ConnectionStrings:Replica</c> (reader
    /// role, standby) and <c>ConnectionStrings:AccessLog</c> (access-log writer, primary), the access
    /// log, the query gateway, the checkpoint public key and the queries pages use.
    /// </summary>
    public static IServiceCollection AddPortalData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<PortalDatabases>();
        services.AddOptions<AccessLogSettings>().Bind(configuration.GetSection("Portal:AccessLog"));
        services.AddSingleton<IAccessLog, AppenderAccessLog>();
        services.AddSingleton<CheckpointKeySource>();
        services.AddScoped<QueryGateway>();
        services.AddScoped<DashboardQuery>();
        return services;
    }
}

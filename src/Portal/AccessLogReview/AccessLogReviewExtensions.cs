namespace AuditPortal.Portal.AccessLogReview;

/// <summary>The admins' access-log review: its queries (pages are found by the router) and its endpoints.</summary>
public static class AccessLogReviewExtensions
{
    public static IServiceCollection AddAccessLogReview(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<AccessLogQueries>();
        services.AddScoped<AnomalyFlagsQuery>();
        services.AddScoped<AccessLogVerificationStart>();
        services.AddSingleton<AnomalyMonitorStatus>();
        services.AddSingleton<AccessLogReviewPdfSource>();
        services.AddOptions<AnomalyMonitorOptions>().Bind(configuration.GetSection("Portal:AccessLog:Anomalies"))
            .Validate(o => { o.Rules.Validate(); return o.PollInterval > TimeSpan.Zero; }, "Portal:AccessLog:Anomalies is out of range")
            .ValidateOnStart();
        services.AddHostedService<AnomalyMonitor>();
        return services;
    }
}

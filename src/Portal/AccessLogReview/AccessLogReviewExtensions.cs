namespace AuditPortal.Portal.AccessLogReview;

/// <summary>The admins' access-log review: its queries (pages are found by the router) and its endpoints.</summary>
public static class AccessLogReviewExtensions
{
    public static IServiceCollection AddAccessLogReview(this IServiceCollection services)
    {
        services.AddScoped<AccessLogQueries>();
        return services;
    }
}

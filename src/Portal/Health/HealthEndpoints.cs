using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Portal.Health;

/// <summary>
/// <c>/healthz</c>: one JSON object with a list of named checks: <c>primary</c> (the access-log database),
/// <c>replica</c> (reachable, in recovery, replay lag in its data) and <c>oidc-discovery</c>.
/// </summary>
public static class HealthEndpoints
{
    public const string OidcDiscovery = "oidc-discovery";
    public const string Primary = "primary";
    public const string Replica = "replica";

    public static IHealthChecksBuilder AddPortalHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<PrimaryHealthCheck>(Primary)
            .AddCheck<ReplicaHealthCheck>(Replica)
            .AddCheck<OidcDiscoveryHealthCheck>(OidcDiscovery);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(PortalUrls.Health, new HealthCheckOptions
        {
            ResponseWriter = WriteJsonAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous(); // load balancers probe without a session; nothing here is sensitive
        return app;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}

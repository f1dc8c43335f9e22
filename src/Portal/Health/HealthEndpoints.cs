using System.Text.Json;
using AuditPortal.Portal.Auth;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Portal.Health;

/// <summary>
/// Two answers from the same checks: <c>primary</c> (the access-log database), <c>replica</c> (reachable, in
/// recovery, replay lag in its data) and <c>oidc-discovery</c>.
/// <list type="bullet">
/// <item><c>/healthz</c>, anonymous (load balancers probe without a session): only the overall status,
/// <c>{"status":"healthy"}</c>, 200 when healthy or degraded, 503 when unhealthy. No check names, descriptions,
/// addresses or lag: the provider's URL and the replica's state are not for anyone who asks.</item>
/// <item><c>/healthz/details</c>, admins only: every check with its description, duration and data.</item>
/// </list>
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
        app.MapHealthChecks(PortalUrls.Health, Options(WriteStatusAsync)).AllowAnonymous();
        app.MapHealthChecks(PortalUrls.HealthDetails, Options(WriteDetailsAsync)).RequireAuthorization(PortalPolicies.Admin);
        return app;
    }

    private static HealthCheckOptions Options(Func<HttpContext, HealthReport, Task> writer) => new()
    {
        ResponseWriter = writer,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    private static Task WriteStatusAsync(HttpContext context, HealthReport report) =>
        WriteJsonAsync(context, new { status = Status(report.Status) });

    private static Task WriteDetailsAsync(HttpContext context, HealthReport report) =>
        WriteJsonAsync(context, new
        {
            status = Status(report.Status),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = Status(e.Value.Status),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data,
            }),
        });

    private static string Status(HealthStatus status) => status.ToString().ToLowerInvariant();

    private static Task WriteJsonAsync<T>(HttpContext context, T body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}

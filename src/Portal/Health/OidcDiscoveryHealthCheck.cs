using AuditPortal.Portal.Auth;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Health;

/// <summary>Reads the provider's discovery document afresh (not from the cache): can users sign in right now?</summary>
public sealed class OidcDiscoveryHealthCheck(IHttpClientFactory httpClientFactory, IOptions<OidcSettings> settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var address = settings.Value.DiscoveryAddress;
        var data = new Dictionary<string, object> { ["address"] = address };
        try
        {
            using var http = httpClientFactory.CreateClient(OidcSettings.HttpClientName);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await http.GetAsync(address, timeout.Token);
            data["status"] = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy("discovery document reachable", data)
                : HealthCheckResult.Unhealthy("discovery document answered with an error status", data: data);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("discovery document unreachable", data: data);
        }
    }
}

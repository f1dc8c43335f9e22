using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace AuditPortal.Portal.Auth;

/// <summary>
/// How often one client address may start a sign-in (<c>GET /login</c>): <c>Portal:SignIn:StartsPerMinute</c>, a token
/// bucket per address holding that many starts and refilled at that rate (one a second at 60). Why: every start makes the framework's handler send a pushed
/// authorization request to the OpenID Provider (it does whenever the provider offers PAR), so without a cap any
/// anonymous client could make the portal POST to the provider as fast as it likes. A user starts one sign-in per
/// session; the default leaves room for many users behind one address (a NAT) signing in at once. The address is the
/// forwarded one behind configured proxies (<c>Hosting/ReverseProxy</c>).
/// </summary>
public static class SignInRateLimit
{
    public const string Policy = "sign-in";

    public const string Setting = "Portal:SignIn:StartsPerMinute";

    public const int DefaultStartsPerMinute = 60;

    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        // Read when the options are first used (as the pipeline is built), so every configuration source counts.
        services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var perMinute = configuration.GetValue<int?>(Setting) ?? DefaultStartsPerMinute;
            if (perMinute < 1)
                throw new InvalidOperationException($"{Setting} must be at least 1 (it is {perMinute})");
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(Policy, context => RateLimitPartition.GetTokenBucketLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = perMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        });
        return services;
    }
}

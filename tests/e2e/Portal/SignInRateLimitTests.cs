using System.Net;
using AuditPortal.Portal.Auth;

namespace AuditPortal.Tests.E2e.Portal;

/// <summary>Starts of sign-in per client address are capped (<see cref="SignInRateLimit"/>): each one costs a request to the provider.</summary>
public sealed class SignInRateLimitTests
{
    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Accept.ParseAdd("text/html");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Login_MoreStartsThanTheCap_Get429WithRetryAfter_WithoutReachingForTheProvider()
    {
        // The provider is down, so a start that reaches the handler says so (502); one over the cap never gets there.
        await using var factory = new PortalFactory($"http://127.0.0.1:{FreePort.Get()}")
        {
            Overrides = new Dictionary<string, string?> { [SignInRateLimit.Setting] = "3" },
        };
        var client = factory.CreatePortalClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var started = await LoginAsync(client);
            statuses.Add(started.StatusCode);
        }
        using var over = await LoginAsync(client);
        using var home = await client.GetAsync("/");

        statuses.ShouldAllBe(s => s == HttpStatusCode.BadGateway);
        over.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var retryAfter = over.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        retryAfter.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        var body = await over.Content.ReadAsStringAsync();
        body.ShouldContain("Too many requests came from your address");
        body.ShouldNotContain("not reachable");
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect, "only starts of sign-in are capped: a page still sends the visitor to sign in");
    }
}

using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>
/// Every state-changing endpoint wants an antiforgery token: found by walking the app's own endpoints,
/// so an endpoint added later without protection fails here. A missing token is a 400 page, never a 500.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AntiforgeryTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory _factory = new(databases);

    /// <summary>Route patterns of every endpoint that accepts POST, PUT, PATCH or DELETE (the circuit's hub aside).</summary>
    private IReadOnlyList<string> StateChangingRoutes()
    {
        var routes = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods
                .Any(m => m is "POST" or "PUT" or "PATCH" or "DELETE") == true)
            .Select(e => e.RoutePattern.RawText ?? "")
            .Where(p => !p.StartsWith("/_blazor", StringComparison.Ordinal) && !p.StartsWith("_blazor", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        return routes;
    }

    private bool AdminOnly(string pattern) =>
        _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText == pattern)
            .SelectMany(e => e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>())
            .Any(a => a.Policy == AuditPortal.Portal.Auth.PortalPolicies.Admin);

    private static string Concrete(string pattern) =>
        "/" + string.Join('/', pattern.TrimStart('/').Split('/').Select(segment => segment.StartsWith('{')
            ? segment.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString("D") : segment.Contains(":int", StringComparison.Ordinal) ? "1" : "x"
            : segment));

    [Fact]
    public void StateChangingEndpoints_IncludeTheOnesThatMatter()
    {
        var routes = StateChangingRoutes();

        routes.ShouldContain("/logout");
        routes.ShouldContain("/verification/runs");
        routes.ShouldContain("/verification/runs/{id:guid}/cancel");
        routes.ShouldContain("/timeline", "component pages accept form posts too");
    }

    [Fact]
    public async Task EveryStateChangingEndpoint_PostWithoutToken_Is400()
    {
        var failures = new List<string>();
        foreach (var route in StateChangingRoutes())
        {
            // A caller the endpoint's policy admits (admin-only pages would answer 403 before looking at the token).
            using var client = _factory.ClientFor(AdminOnly(route) ? "admin" : "investigator");
            using var response = await client.PostAsync(Concrete(route), new FormUrlEncodedContent([new("scope", "whole")]));
            if (response.StatusCode != HttpStatusCode.BadRequest)
                failures.Add($"POST {route} without a token: {(int)response.StatusCode}");
        }

        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task CancelRun_PostWithoutToken_Is400AndNothingIsCancelled()
    {
        using var client = _factory.ClientFor("admin");

        using var response = await client.PostAsync($"/verification/runs/{Guid.NewGuid():D}/cancel", content: null);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ComponentPage_PostWithoutToken_Is400PageNot500()
    {
        using var client = _factory.ClientFor("auditor");

        using var response = await client.PostAsync("/timeline", new FormUrlEncodedContent([new("type", "account")]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("Bad request");
        body.ShouldNotContain("Something went wrong");
    }

    [Fact]
    public async Task Post_WrongToken_Is400()
    {
        using var client = _factory.ClientFor("auditor");

        using var response = await client.PostAsync("/verification/runs",
            new FormUrlEncodedContent([new("__RequestVerificationToken", "CfDJ8forged"), new("scope", "whole")]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    public void Dispose() => _factory.Dispose();
}

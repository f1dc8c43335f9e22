using System.Net;
using System.Text.Json;

namespace AuditPortal.Tests.E2e.Portal;

/// <summary>The portal without a signed-in user, and with its provider down.</summary>
public sealed class AnonymousAccessTests(PortalWithoutProviderFixture fixture) : IClassFixture<PortalWithoutProviderFixture>
{
    private readonly HttpClient _client = fixture.Factory.CreatePortalClient();

    private Task<HttpResponseMessage> Get(string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        foreach (var (name, value) in headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return _client.SendAsync(request);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/timeline")]
    [InlineData("/verification")]
    [InlineData("/verification/checkpoints")]
    [InlineData("/verification/proofs")]
    public async Task Page_Anonymous_RedirectsToLoginWithReturnUrl(string path)
    {
        using var response = await Get(path);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.PathAndQuery.ShouldBe("/login?returnUrl=" + Uri.EscapeDataString(path));
    }

    [Theory]
    [InlineData("/api/anything", "Accept", "application/json")]
    [InlineData("/timeline", "Accept", "text/event-stream")]
    public async Task Endpoint_AnonymousScriptRequest_Gets401NotRedirect(string path, string header, string value)
    {
        using var response = await Get(path, (header, value));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_PostWithoutAntiforgeryToken_Is400()
    {
        using var response = await _client.PostAsync("/logout", new FormUrlEncodedContent([]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Bad request");
    }

    [Fact]
    public async Task Login_ProviderDown_Shows502PageNot500()
    {
        using var response = await Get("/login");

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("The sign-in provider is not reachable");
        body.ShouldNotContain("Exception");
    }

    [Fact]
    public async Task Callback_TamperedState_Shows400Page()
    {
        using var response = await Get("/signin-oidc?code=abc&state=CfDJ8tampered");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("The sign-in request could not be verified");
    }

    [Fact]
    public async Task Healthz_ProviderDown_Is503WithNamedFailingCheck()
    {
        using var response = await _client.GetAsync("/healthz");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("status").GetString().ShouldBe("unhealthy");
        var check = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "oidc-discovery");
        check.GetProperty("status").GetString().ShouldBe("unhealthy");
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/error/404")]
    [InlineData("/healthz")]
    [InlineData("/signed-out")]
    [InlineData("/")]
    public async Task AnyResponse_CarriesStrictSecurityHeaders(string path)
    {
        using var response = await Get(path);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("script-src 'self';");
        csp.ShouldContain("style-src 'self' 'unsafe-inline';"); // MudBlazor's inline styles: the one exception (docs/web-auth.md)
        csp.ShouldContain("connect-src 'self';");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("base-uri 'self'");
        csp.ShouldContain("form-action 'self'");
        response.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
    }

    [Fact]
    public async Task ErrorPage_404_RendersNotFoundWithStatus()
    {
        using var response = await Get("/error/404");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Page not found");
    }

    [Fact]
    public async Task StaticFile_Anonymous_IsServed()
    {
        using var response = await _client.GetAsync("/css/site.css");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Pages_RenderNoInlineScript()
    {
        using var response = await Get("/signed-out");
        var doc = await Browser.ParseAsync(response);

        doc.QuerySelectorAll("script").ShouldNotBeEmpty();
        doc.QuerySelectorAll("script:not([src])").ShouldBeEmpty();
        doc.QuerySelectorAll("[onclick], [onload], [onerror], [onsubmit]").ShouldBeEmpty();
    }
}

using System.Net;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>Every response that can carry ledger data is <c>Cache-Control: no-store</c>; static assets keep their caching.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ResponseHeadersTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory _factory = new(databases);

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/timeline/account/acc-000001", "text/html")]
    [InlineData("/verification/checkpoints", "text/html")]
    [InlineData("/api/streams/account/acc-000001/events?limit=5", "application/json")]
    [InlineData("/verification/proofs/inclusion.json?seq=1&size=250", "application/json")]
    [InlineData("/verification/proofs/consistency.json?size1=250&size2=500", "application/json")]
    [InlineData("/timeline?type=account&id=acc-0000&match=prefix", "text/html")]
    [InlineData("/error/404", "text/html")]
    [InlineData("/healthz", "application/json")]
    public async Task LedgerDataResponse_IsNoStore(string path, string accept)
    {
        using var client = _factory.ClientFor("investigator");
        client.DefaultRequestHeaders.Accept.Clear();
        client.DefaultRequestHeaders.Accept.ParseAdd(accept);

        using var response = await client.GetAsync(path);

        if (path != "/healthz") // 503 here: this factory's provider is down, which /healthz reports
            ((int)response.StatusCode).ShouldBeLessThan(500, path);
        response.Headers.CacheControl.ShouldNotBeNull(path).NoStore.ShouldBeTrue(path);
    }

    [Fact]
    public async Task StaticAsset_KeepsItsCaching()
    {
        using var client = _factory.ClientFor("anonymous");

        using var response = await client.GetAsync("/_content/MudBlazor/MudBlazor.min.css");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (response.Headers.CacheControl?.NoStore ?? false).ShouldBeFalse();
    }

    public void Dispose() => _factory.Dispose();
}

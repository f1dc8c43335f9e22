using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Tests.E2e.Timeline;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Browser;

/// <summary>The browser portal behind a reverse proxy at 127.0.0.1 (<c>Portal:ReverseProxy:KnownProxies</c>), with a ledger of its own.</summary>
public sealed class ProxiedChromiumPortal : ChromiumPortal
{
    public LedgerDatabasesFixture Databases { get; } = new(events: 0);

    protected override async Task<IReadOnlyDictionary<string, string?>?> PrepareDatabasesAsync()
    {
        await Databases.InitializeAsync();
        var settings = Databases.PortalConfiguration();
        settings["Portal:ReverseProxy:KnownProxies:0"] = "127.0.0.1";
        return settings;
    }

    protected override Task DisposeDatabasesAsync() => Databases.DisposeAsync();
}

[CollectionDefinition(nameof(ProxiedChromiumPortalCollection))]
public sealed class ProxiedChromiumPortalCollection : ICollectionFixture<ProxiedChromiumPortal>;

/// <summary>The client address the access log keeps, when the request says it came through a proxy.</summary>
internal static class ForwardedClient
{
    /// <summary>A documentation address (RFC 5737) the browser claims to be forwarded for.</summary>
    public const string Address = "203.0.113.7";

    public static readonly KeyValuePair<string, string>[] Headers = [new("X-Forwarded-For", Address)];

    /// <summary>
    /// Signs auditor1 in with an <c>X-Forwarded-For</c> header on every request, lets the dashboard prerender (a query
    /// with the request's address) and start its circuit, opens the checkpoints inside the circuit (a query with the
    /// address the circuit captured), and checks that both queries' request entries record <paramref name="expected"/>.
    /// </summary>
    public static async Task BrowseAndCheckLoggedAddressAsync(ChromiumPortal portal, LedgerDatabasesFixture databases, string expected, string why)
    {
        await using var session = await portal.NewSessionAsync(Headers);
        await session.Page.GotoAsync(portal.Url("/").ToString());
        await session.SignInAtProviderAsync("auditor1", "auditor1-dev");
        await session.WaitForCircuitAsync();
        await session.MainNavigation.GetByRole(AriaRole.Link, new() { Name = "Checkpoints" }).ClickAsync();
        // The page's answer, not its heading: the heading shows before the query, whose request entry precedes its answer.
        await Expect(session.Page.GetByTestId("head-seq")).ToBeVisibleAsync();

        (await LastRequestFromAsync(databases, "dashboard.read", expected)).ShouldBe(1, $"the prerendered page's query: {why}");
        (await LastRequestFromAsync(databases, "checkpoints.read", expected)).ShouldBe(1, $"the circuit's query: {why}");
        session.PortalErrors.ShouldBeEmpty();
    }

    /// <summary>1 when the newest <c>query.requested</c> entry of <paramref name="kind"/> by auditor1 records <paramref name="address"/>.</summary>
    private static Task<long> LastRequestFromAsync(LedgerDatabasesFixture databases, string kind, string address) => databases.CountAsync("""
        SELECT count(*) FROM (SELECT client_address FROM ledger.events WHERE stream_type = 'user' AND stream_id = 'auditor1'
          AND action = 'query.requested' AND payload::jsonb ->> 'kind' = $1 ORDER BY seq DESC LIMIT 1) last
        WHERE client_address = $2
        """, kind, address);
}

[Collection(nameof(ProxiedChromiumPortalCollection))]
public sealed class ReverseProxyBrowserTests(ProxiedChromiumPortal portal)
{
    [ChromiumFact]
    public Task FromAKnownProxy_TheAccessLogRecordsTheForwardedClient_InPagesAndInTheCircuit() =>
        ForwardedClient.BrowseAndCheckLoggedAddressAsync(portal, portal.Databases, ForwardedClient.Address, "the proxy at 127.0.0.1 is listed");
}

[Collection(nameof(SeededChromiumPortalCollection))]
public sealed class UnproxiedForwardedHeaderBrowserTests(SeededChromiumPortal portal)
{
    [ChromiumFact]
    public Task WithoutKnownProxies_AForwardedForHeader_IsIgnored() =>
        ForwardedClient.BrowseAndCheckLoggedAddressAsync(portal, portal.Databases, "127.0.0.1", "a client cannot choose the address logged of it");
}

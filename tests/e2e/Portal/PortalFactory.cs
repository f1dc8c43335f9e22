using AuditPortal.Tests.E2e.Gateway;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;

namespace AuditPortal.Tests.E2e.Portal;

/// <summary>
/// Boots the real portal in the "Testing" environment (production cookie rules: Secure always), so
/// clients talk to it as https://localhost. Points it at the given OpenID Provider and at real
/// databases: <paramref name="settings"/> (e.g. <c>LedgerDatabasesFixture.PortalConfiguration()</c>), or,
/// when none are given, an empty migrated ledger/portal pair of its own on the test primary + standby,
/// created on first use and dropped with the factory (the home page reads through the query gateway,
/// which answers 503 without an access log and a replica).
/// </summary>
public sealed class PortalFactory(string authority, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public static readonly Uri BaseAddress = new("https://localhost");

    /// <summary>Settings applied last, over the test defaults above and the databases'.</summary>
    public IReadOnlyDictionary<string, string?>? Overrides { get; init; }

    /// <summary>The portal's clock when set (a FakeTimeProvider: grants expire when the test says so).</summary>
    public TimeProvider? Time { get; init; }

    private readonly Lazy<LedgerDatabasesFixture?> _ownDatabases = new(() =>
    {
        if (settings is not null)
        {
            return null;
        }
        var databases = new LedgerDatabasesFixture(events: 0);
        // ConfigureWebHost is synchronous; run the set-up off any test synchronization context.
        Task.Run(databases.InitializeAsync).GetAwaiter().GetResult();
        return databases;
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:Oidc:Authority"] = authority,
            ["Portal:Oidc:ClientId"] = "auditportal",
            ["Portal:Oidc:ClientSecret"] = DevOidcProvider.ClientSecret,
            ["Portal:Oidc:RequireHttpsMetadata"] = "false",
            ["Portal:Oidc:BackchannelTimeout"] = "00:00:05",
            // Open pages notice an ended session within a second (the default is 30 s).
            ["Portal:Session:RevalidationInterval"] = "00:00:01",
            // Every test signs in from the same address (127.0.0.1, or none in memory): no cap on starts but the test's own.
            [AuditPortal.Portal.Auth.SignInRateLimit.Setting] = "1000000",
        }));
        var databases = settings ?? _ownDatabases.Value!.PortalConfiguration();
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(databases));
        if (Overrides is { } overrides)
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(overrides));
        if (Time is { } time)
            builder.ConfigureTestServices(services => services.AddSingleton(time));
    }

    // WebApplicationFactory.DisposeAsync ends in Dispose(true), so this covers both ways of disposing.
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownDatabases is { IsValueCreated: true, Value: { } databases })
        {
            Task.Run(databases.DisposeAsync).GetAwaiter().GetResult();
        }
    }

    public HttpClient CreatePortalClient() => CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        BaseAddress = BaseAddress,
        HandleCookies = true,
    });
}

/// <summary>A portal whose provider is not running: nothing listens on the authority's port.</summary>
public sealed class PortalWithoutProviderFixture : IDisposable
{
    public PortalWithoutProviderFixture() => Factory = new PortalFactory($"http://127.0.0.1:{FreePort.Get()}");

    public PortalFactory Factory { get; }

    public void Dispose() => Factory.Dispose();
}

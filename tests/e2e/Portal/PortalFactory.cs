using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace AuditPortal.Tests.E2e.Portal;

/// <summary>
/// Boots the real portal in the "Testing" environment (production cookie rules: Secure always), so
/// clients talk to it as https://localhost. Points it at the given OpenID Provider and, when given,
/// at real databases (<paramref name="settings"/>, e.g. <c>LedgerDatabasesFixture.PortalConfiguration()</c>):
/// without them the home page answers 503, as the gateway cannot log or read.
/// </summary>
public sealed class PortalFactory(string authority, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public static readonly Uri BaseAddress = new("https://localhost");

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
        }));
        if (settings is not null)
        {
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
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

using AuditPortal.Tests.E2e.Portal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>
/// The real portal over the real primary + standby of <paramref name="databases"/>, with the test-only
/// header scheme as the default authenticate scheme. <paramref name="overrides"/> change settings, e.g.
/// point a connection string at a closed port to simulate an outage.
/// </summary>
public sealed class GatewayPortalFactory(LedgerDatabasesFixture databases, IReadOnlyDictionary<string, string?>? overrides = null)
    : WebApplicationFactory<Program>
{
    /// <summary>The portal's clock when set (a FakeTimeProvider: grants expire when the test says so).</summary>
    public TimeProvider? Time { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = databases.PortalConfiguration();
        settings["Portal:Oidc:Authority"] = $"http://127.0.0.1:{FreePort.Get()}"; // provider down: not needed here
        settings["Portal:Oidc:ClientId"] = "auditportal";
        settings["Portal:Oidc:ClientSecret"] = "unused";
        settings["Portal:Oidc:RequireHttpsMetadata"] = "false";
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
            services.PostConfigure<AuthenticationOptions>(o => o.DefaultAuthenticateScheme = TestAuthenticationHandler.SchemeName);
            if (Time is not null)
                services.AddSingleton(Time);
        });
    }

    /// <summary>A client for <paramref name="caller"/> (anonymous, norole, auditor, investigator, admin) or an explicit user.</summary>
    public HttpClient ClientFor(string caller, string? userName = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = PortalFactory.BaseAddress });
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        if (TestCallers.For(caller) is { } who)
        {
            client.DefaultRequestHeaders.Add(TestAuthenticationHandler.UserHeader, userName ?? who.User);
            client.DefaultRequestHeaders.Add(TestAuthenticationHandler.RolesHeader, who.Roles);
        }
        return client;
    }
}

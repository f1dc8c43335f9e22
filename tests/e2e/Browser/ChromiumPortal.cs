using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuditPortal.Tests.E2e.Portal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AuditPortal.Tests.E2e.Browser;

/// <summary>
/// The real portal on Kestrel (127.0.0.1, a port of its own), the real development OpenID Provider
/// registered for that port, and one headless Chromium shared by all browser tests. Each test gets a
/// fresh <see cref="BrowserSession"/> (its own cookies).
/// </summary>
public class ChromiumPortal : IAsyncLifetime
{
    private X509Certificate2? _certificate;
    private PortalFactory? _portal;
    private DevOidcProcess? _provider;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The portal's origin, e.g. https://127.0.0.1:43123.</summary>
    public Uri Origin { get; private set; } = null!;

    public string Issuer => _provider!.Issuer;

    public string ProviderOutput => _provider?.Output ?? "";

    /// <summary>Where screenshots go: <c>var/test-results/screenshots/</c> (git-ignored).</summary>
    public static string ScreenshotDirectory { get; } =
        Path.Combine(DevOidcProcess.RepositoryRoot(), "var", "test-results", "screenshots");

    public Uri Url(string path) => new(Origin, path);

    /// <summary>The running portal's services (the workspace's services, for setting up what a test starts from).</summary>
    public IServiceProvider Services => _portal!.Services;

    public async Task InitializeAsync()
    {
        if (Chromium.ExecutablePath is not { } chromium)
        {
            // Outside CI every test is skipped (ChromiumFact); in CI this is the failure that explains it.
            if (Chromium.IsCi)
            {
                throw new InvalidOperationException(Chromium.MissingMessage);
            }
            return;
        }

        // The provider's port first (the portal needs its issuer), the portal next (the provider must
        // know the portal's port for its exact redirect URIs); the portal reads discovery only at sign-in.
        var providerPort = FreePort.Get();
        _portal = new PortalFactory($"http://127.0.0.1:{providerPort}", await PrepareDatabasesAsync()) { Time = Clock };
        // HTTPS, because the Testing environment keeps production cookie rules (Secure, antiforgery refuses
        // plain HTTP); the certificate is a throwaway one the browser context is told to accept.
        var certificate = _certificate = LoopbackCertificate.Create();
        _portal.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        _portal.StartServer();
        var address = _portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Origin = new Uri(address);

        _provider = await DevOidcProcess.StartAsync(providerPort, Origin.GetLeftPart(UriPartial.Authority));

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = Chromium.Args,
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>The portal's database settings; null gives it an empty database pair of its own (<see cref="PortalFactory"/>).</summary>
    protected virtual Task<IReadOnlyDictionary<string, string?>?> PrepareDatabasesAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>?>(null);

    /// <summary>The portal's clock; null: the system's.</summary>
    protected virtual TimeProvider? Clock => null;

    /// <summary>Called last on disposal, after the portal stopped.</summary>
    protected virtual Task DisposeDatabasesAsync() => Task.CompletedTask;

    /// <param name="extraHeaders">Headers the browser adds to every request (a reverse proxy's, say).</param>
    public async Task<BrowserSession> NewSessionAsync(IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "en-US",
            TimezoneId = "UTC",
            IgnoreHTTPSErrors = true,
            ExtraHTTPHeaders = extraHeaders,
        });
        return new BrowserSession(this, context, await context.NewPageAsync());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
        _certificate?.Dispose();
        await DisposeDatabasesAsync();
    }
}

/// <summary>A self-signed certificate for https://127.0.0.1, valid for a day around now, for one test run.</summary>
internal static class LoopbackCertificate
{
    public static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow; // certificate validity is checked against the wall clock by Kestrel and the browser
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }
}

[CollectionDefinition(nameof(ChromiumPortalCollection))]
public sealed class ChromiumPortalCollection : ICollectionFixture<ChromiumPortal>;

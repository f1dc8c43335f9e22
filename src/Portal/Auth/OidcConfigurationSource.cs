using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AuditPortal.Portal.Auth;

/// <summary>
/// The provider's discovery document and signing keys, cached and periodically refreshed by
/// <see cref="ConfigurationManager{T}"/>. Endpoints are never configured by hand, so the portal follows
/// the provider. Key rotation: an id_token with an unknown <c>kid</c> calls <see cref="RefreshAsync"/>,
/// which re-reads discovery + JWKS at once (rate-limited) — <see cref="ConfigurationManager{T}.RequestRefresh"/>
/// alone only schedules a background refresh in IdentityModel 8, too late for the sign-in at hand.
/// </summary>
public sealed class OidcConfigurationSource
{
    public const string HttpClientName = "oidc";

    private readonly ConfigurationManager<OpenIdConnectConfiguration> _manager;
    private readonly HttpDocumentRetriever _retriever;
    private readonly string _address;
    private readonly string _expectedIssuer;
    private readonly TimeSpan _minimumRefreshInterval;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);

    // A configuration fetched by RefreshAsync, used until the manager itself moves past the
    // configuration it held at that moment.
    // A reference, so concurrent requests see either the old or the new pair, never a torn one.
    private volatile ForcedRefresh? _forced;
    private DateTimeOffset _lastForcedRefresh = DateTimeOffset.MinValue;

    public OidcConfigurationSource(IOptions<OidcSettings> settings, IHttpClientFactory httpClientFactory, TimeProvider time)
        : this(settings.Value, httpClientFactory.CreateClient(HttpClientName), time)
    {
    }

    internal OidcConfigurationSource(OidcSettings settings, HttpClient http, TimeProvider time)
    {
        _time = time;
        _address = settings.DiscoveryAddress;
        _expectedIssuer = settings.Authority.TrimEnd('/');
        _minimumRefreshInterval = settings.MinimumRefreshInterval;
        _retriever = new HttpDocumentRetriever(http) { RequireHttps = settings.RequireHttpsMetadata };
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(_address, new OpenIdConnectConfigurationRetriever(), _retriever)
        {
            AutomaticRefreshInterval = settings.AutomaticRefreshInterval,
            RefreshInterval = settings.MinimumRefreshInterval,
        };
    }

    /// <summary>The current configuration. Throws <see cref="OidcSignInException"/> when the provider cannot be read.</summary>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        var managed = await Fetch(() => _manager.GetConfigurationAsync(cancellationToken));
        if (_forced is { } forced)
        {
            if (ReferenceEquals(managed, forced.ManagedAtRefresh))
            {
                return forced.Fresh;
            }
            _forced = null; // the manager has caught up
        }
        return managed;
    }

    /// <summary>
    /// Re-reads discovery and JWKS now, unless that was done less than
    /// <see cref="OidcSettings.MinimumRefreshInterval"/> ago (then returns the cached configuration).
    /// </summary>
    public async Task<OpenIdConnectConfiguration> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (now - _lastForcedRefresh < _minimumRefreshInterval)
            {
                return await GetAsync(cancellationToken);
            }
            _lastForcedRefresh = now;
            var managed = await Fetch(() => _manager.GetConfigurationAsync(cancellationToken));
            var fresh = await Fetch(() => OpenIdConnectConfigurationRetriever.GetAsync(_address, _retriever, cancellationToken));
            _forced = new ForcedRefresh(fresh, managed);
            _manager.RequestRefresh(); // let the cache catch up in the background too
            return fresh;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private sealed record ForcedRefresh(OpenIdConnectConfiguration Fresh, OpenIdConnectConfiguration ManagedAtRefresh);

    private async Task<OpenIdConnectConfiguration> Fetch(Func<Task<OpenIdConnectConfiguration>> fetch)
    {
        OpenIdConnectConfiguration config;
        try
        {
            config = await fetch();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new OidcSignInException(SignInFailureReason.ProviderUnavailable,
                "The OpenID Provider's discovery document or keys could not be read.", ex);
        }

        // OpenID Connect Discovery §4.3: the issuer in the document must be the one we asked.
        if (!string.Equals(config.Issuer?.TrimEnd('/'), _expectedIssuer, StringComparison.Ordinal))
        {
            throw new OidcSignInException(SignInFailureReason.ProviderMisconfigured,
                $"Discovery issuer '{config.Issuer}' does not match the configured authority '{_expectedIssuer}'.");
        }
        return config;
    }
}

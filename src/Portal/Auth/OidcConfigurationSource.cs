using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AuditPortal.Portal.Auth;

/// <summary>
/// The provider's discovery document and signing keys, cached and refreshed by
/// <see cref="ConfigurationManager{T}"/>. Endpoints are never configured by hand, so the portal follows
/// the provider; an unknown <c>kid</c> triggers <see cref="RequestRefresh"/> (key rotation).
/// </summary>
public sealed class OidcConfigurationSource
{
    public const string HttpClientName = "oidc";

    private readonly ConfigurationManager<OpenIdConnectConfiguration> _manager;
    private readonly string _expectedIssuer;

    public OidcConfigurationSource(IOptions<OidcSettings> settings, IHttpClientFactory httpClientFactory)
        : this(settings.Value, httpClientFactory.CreateClient(HttpClientName))
    {
    }

    internal OidcConfigurationSource(OidcSettings settings, HttpClient http)
    {
        _expectedIssuer = settings.Authority.TrimEnd('/');
        var retriever = new HttpDocumentRetriever(http) { RequireHttps = settings.RequireHttpsMetadata };
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(
            settings.DiscoveryAddress, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = settings.AutomaticRefreshInterval,
            RefreshInterval = settings.MinimumRefreshInterval,
        };
    }

    /// <summary>The current configuration. Throws <see cref="OidcSignInException"/> when the provider cannot be read.</summary>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration config;
        try
        {
            config = await _manager.GetConfigurationAsync(cancellationToken);
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

    /// <summary>Ask for a fresh discovery document and JWKS on the next <see cref="GetAsync"/> (rate-limited).</summary>
    public void RequestRefresh() => _manager.RequestRefresh();
}

using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Auth;

/// <summary>
/// OpenID Connect authorization code flow with PKCE on top of the framework's OAuth handler
/// (Microsoft.AspNetCore.Authentication.OpenIdConnect is not available here, DESIGN §6).
/// What it adds to plain OAuth: endpoints from the discovery document, a <c>nonce</c> kept inside the
/// data-protected state, and a fully validated id_token as the only source of the user's identity.
/// </summary>
public sealed class OidcCodeFlowHandler(
    IOptionsMonitor<OAuthOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OidcConfigurationSource discovery,
    IdTokenValidator idTokenValidator,
    RoleMapper roleMapper) : OAuthHandler<OAuthOptions>(options, logger, encoder)
{
    public const string SchemeName = "oidc";
    internal const string NonceKey = ".oidc.nonce";
    internal const string IdTokenName = "id_token";

    // Handlers are created per request, so this is the endpoint for this one challenge.
    private string? _authorizationEndpoint;

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        try
        {
            var config = await discovery.GetAsync(Context.RequestAborted);
            _authorizationEndpoint = config.AuthorizationEndpoint;
        }
        catch (OidcSignInException ex)
        {
            Logger.LogWarning(ex, "Sign-in could not start: {Reason}", ex.Reason);
            new SignInFailure(ex.Reason, ex.Message).Apply(Context);
            return;
        }
        await base.HandleChallengeAsync(properties);
    }

    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        // The nonce goes into the properties before the base class protects them into `state`,
        // so it comes back tamper-proof with the callback and is bound to this browser's correlation cookie.
        var nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        properties.Items[NonceKey] = nonce;

        var placeholderUrl = base.BuildChallengeUrl(properties, redirectUri);
        var query = QueryHelpers.ParseQuery(new Uri(placeholderUrl).Query);
        var parameters = query.ToDictionary(p => p.Key, p => (string?)p.Value.ToString(), StringComparer.Ordinal);
        parameters["nonce"] = nonce;
        var endpoint = _authorizationEndpoint ?? throw new InvalidOperationException("Challenge without discovery.");
        return QueryHelpers.AddQueryString(endpoint, parameters);
    }

    protected override async Task<OAuthTokenResponse> ExchangeCodeAsync(OAuthCodeExchangeContext context)
    {
        string tokenEndpoint;
        try
        {
            tokenEndpoint = (await discovery.GetAsync(Context.RequestAborted)).TokenEndpoint;
        }
        catch (OidcSignInException ex)
        {
            return OAuthTokenResponse.Failed(ex);
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["grant_type"] = "authorization_code",
            ["code"] = context.Code,
            ["redirect_uri"] = context.RedirectUri,
            ["client_id"] = Options.ClientId,
            ["client_secret"] = Options.ClientSecret,
        };
        if (context.Properties.Items.Remove(OAuthConstants.CodeVerifierKey, out var codeVerifier) && codeVerifier is not null)
        {
            form["code_verifier"] = codeVerifier;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await Backchannel.SendAsync(request, Context.RequestAborted);
            var body = await response.Content.ReadAsStringAsync(Context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                var reason = (int)response.StatusCode >= 500 ? SignInFailureReason.ProviderUnavailable : SignInFailureReason.ProviderError;
                return OAuthTokenResponse.Failed(new OidcSignInException(reason,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"The token endpoint answered {(int)response.StatusCode}: {Truncate(body)}")));
            }
            return OAuthTokenResponse.Success(JsonDocument.Parse(body));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !Context.RequestAborted.IsCancellationRequested)
        {
            return OAuthTokenResponse.Failed(new OidcSignInException(SignInFailureReason.ProviderUnavailable,
                "The token endpoint could not be reached or did not answer with JSON.", ex));
        }
    }

    protected override async Task<AuthenticationTicket> CreateTicketAsync(
        ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
    {
        var idToken = tokens.Response?.RootElement.TryGetProperty(IdTokenName, out var t) == true ? t.GetString() : null;
        if (string.IsNullOrEmpty(idToken))
        {
            throw new OidcSignInException(SignInFailureReason.ProviderMisconfigured,
                "The token response has no id_token; is the 'openid' scope requested?");
        }
        if (!properties.Items.Remove(NonceKey, out var nonce) || nonce is null)
        {
            throw new OidcSignInException(SignInFailureReason.InvalidState, "The protected state carries no nonce.");
        }

        var validation = await idTokenValidator.ValidateAsync(idToken, nonce, Context.RequestAborted);
        if (!validation.IsValid)
        {
            throw new OidcSignInException(SignInFailureReason.InvalidIdToken,
                $"id_token rejected ({validation.Rejection}): {validation.Detail}");
        }

        var principal = PortalPrincipal.Create(validation.Claims, roleMapper.Map(validation.Claims));
        // Only the id_token is kept (for id_token_hint at logout); access and refresh tokens are not needed.
        properties.StoreTokens([new AuthenticationToken { Name = IdTokenName, Value = idToken }]);
        return new AuthenticationTicket(principal, properties, Options.SignInScheme ?? Scheme.Name);
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200];
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuditPortal.Portal.Auth;

public enum IdTokenRejection
{
    None,
    Malformed,
    BadSignature,
    UnknownSigningKey,
    WrongIssuer,
    WrongAudience,
    Expired,
    NotYetValid,
    NonceMismatch,
    Invalid,
}

/// <summary>The outcome of validating an id_token: its claims, or why it was rejected.</summary>
public sealed record IdTokenValidation(IdTokenRejection Rejection, string Detail, IReadOnlyList<Claim> Claims)
{
    public bool IsValid => Rejection == IdTokenRejection.None;

    internal static IdTokenValidation Reject(IdTokenRejection rejection, string detail) => new(rejection, detail, []);
}

/// <summary>
/// Validates an id_token (OpenID Connect Core §3.1.3.7): signature against the provider's JWKS,
/// issuer, audience, expiry and the nonce this portal sent with the authorization request.
/// </summary>
public sealed class IdTokenValidator(OidcConfigurationSource discovery, IOptions<OidcSettings> settings, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<IdTokenValidation> ValidateAsync(string idToken, string expectedNonce, CancellationToken cancellationToken)
    {
        var config = await discovery.GetAsync(cancellationToken);
        var result = await ValidateAgainstAsync(config, idToken, expectedNonce);
        if (result.Rejection == IdTokenRejection.UnknownSigningKey)
        {
            // The provider may have rotated its keys since we cached the JWKS: refresh once and retry.
            config = await discovery.RefreshAsync(cancellationToken);
            result = await ValidateAgainstAsync(config, idToken, expectedNonce);
        }
        return result;
    }

    private async Task<IdTokenValidation> ValidateAgainstAsync(OpenIdConnectConfiguration config, string idToken, string expectedNonce)
    {
        var s = settings.Value;
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = config.Issuer,
            ValidAudience = s.ClientId,
            IssuerSigningKeys = config.SigningKeys,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = s.ClockSkew,
            // Lifetime is checked against the injected clock, so tests pin time instead of waiting for it.
            LifetimeValidator = (notBefore, expires, _, p) => ValidateLifetime(notBefore, expires, p.ClockSkew),
            // An id_token is never meant to be replayed as an access token; do not accept "none" or HMAC.
            ValidAlgorithms =
            [
                SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
                SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
            ],
        };

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(idToken, parameters);
        }
        catch (ArgumentException ex)
        {
            return IdTokenValidation.Reject(IdTokenRejection.Malformed, ex.Message);
        }

        if (!result.IsValid)
        {
            var rejection = result.Exception switch
            {
                SecurityTokenSignatureKeyNotFoundException => IdTokenRejection.UnknownSigningKey,
                SecurityTokenInvalidSignatureException => IdTokenRejection.BadSignature,
                SecurityTokenInvalidIssuerException => IdTokenRejection.WrongIssuer,
                SecurityTokenInvalidAudienceException => IdTokenRejection.WrongAudience,
                SecurityTokenExpiredException => IdTokenRejection.Expired,
                SecurityTokenNotYetValidException => IdTokenRejection.NotYetValid,
                SecurityTokenMalformedException => IdTokenRejection.Malformed,
                _ => IdTokenRejection.Invalid,
            };
            return IdTokenValidation.Reject(rejection, result.Exception?.Message ?? "invalid id_token");
        }

        var token = (JsonWebToken)result.SecurityToken;
        var nonce = token.TryGetPayloadValue<string>("nonce", out var n) ? n : null;
        if (nonce is null || !FixedTimeEquals(nonce, expectedNonce))
        {
            return IdTokenValidation.Reject(IdTokenRejection.NonceMismatch,
                nonce is null ? "the id_token carries no nonce" : "the id_token's nonce is not the one sent with this sign-in");
        }

        return new IdTokenValidation(IdTokenRejection.None, "", token.Claims.ToArray());
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("the id_token has no exp claim");
        }
        if (notBefore is { } nbf && nbf > now + skew)
        {
            throw new SecurityTokenNotYetValidException($"the id_token is not valid before {nbf:O}") { NotBefore = nbf };
        }
        if (expires.Value < now - skew)
        {
            throw new SecurityTokenExpiredException($"the id_token expired at {expires.Value:O}") { Expires = expires.Value };
        }
        return true;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

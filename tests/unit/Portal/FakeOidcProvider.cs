using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuditPortal.Tests.Portal;

/// <summary>
/// An OpenID Provider's discovery document and JWKS, served in-process through an
/// <see cref="HttpMessageHandler"/>, with locally generated keys. Keys can be rotated and every
/// document fetch is counted, so tests can see when the portal refreshes.
/// </summary>
internal sealed class FakeOidcProvider : HttpMessageHandler
{
    public const string Issuer = "https://op.test";
    public const string ClientId = "auditportal";

    private readonly List<SecurityKey> _published = [];

    public FakeOidcProvider()
    {
        CurrentKey = NewRsaKey("key-1");
        _published.Add(CurrentKey);
    }

    public SecurityKey CurrentKey { get; private set; }
    public int JwksFetches { get; private set; }

    public static RsaSecurityKey NewRsaKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    public static ECDsaSecurityKey NewEcKey(string kid) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };

    /// <summary>Publish a new key and sign with it from now on; the old key is withdrawn.</summary>
    public void Rotate(SecurityKey next)
    {
        _published.Clear();
        _published.Add(next);
        CurrentKey = next;
    }

    public HttpClient CreateClient() => new(this, disposeHandler: false);

    public string Sign(Dictionary<string, object> claims, DateTimeOffset issuedAt, TimeSpan lifetime,
        string issuer = Issuer, string audience = ClientId, SecurityKey? key = null)
    {
        key ??= CurrentKey;
        var algorithm = key is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        string? body = path switch
        {
            "/.well-known/openid-configuration" => JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["authorization_endpoint"] = Issuer + "/auth",
                ["token_endpoint"] = Issuer + "/token",
                ["end_session_endpoint"] = Issuer + "/session/end",
                ["jwks_uri"] = Issuer + "/jwks",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
            }),
            "/jwks" => Jwks(),
            _ => null,
        };
        var response = body is null
            ? new HttpResponseMessage(HttpStatusCode.NotFound)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        return Task.FromResult(response);
    }

    private string Jwks()
    {
        JwksFetches++;
        var keys = _published.Select(k => JsonWebKeyConverter.ConvertFromSecurityKey(k)).Select(jwk => jwk.Kty == "RSA"
            ? new Dictionary<string, string> { ["kty"] = "RSA", ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E }
            : new Dictionary<string, string> { ["kty"] = "EC", ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = "ES256", ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y });
        return JsonSerializer.Serialize(new { keys });
    }
}

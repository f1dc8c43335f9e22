using System.Text;
using AuditPortal.Portal.Auth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuditPortal.Tests.Portal;

public sealed class IdTokenValidatorTests : IDisposable
{
    private const string Nonce = "n-0S6_WzA2Mj";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeOidcProvider _provider = new();
    private readonly TestTimeProvider _time = new(Now);
    private readonly HttpClient _http;
    private readonly IdTokenValidator _validator;

    public IdTokenValidatorTests()
    {
        var settings = new OidcSettings
        {
            Authority = FakeOidcProvider.Issuer,
            ClientId = FakeOidcProvider.ClientId,
            ClientSecret = "unused",
            ClockSkew = TimeSpan.FromMinutes(2),
            MinimumRefreshInterval = TimeSpan.FromSeconds(1),
        };
        _http = _provider.CreateClient();
        var discovery = new OidcConfigurationSource(settings, _http, _time);
        _validator = new IdTokenValidator(discovery, Options.Create(settings), _time);
    }

    public void Dispose()
    {
        _http.Dispose();
        _provider.Dispose();
    }

    private static Dictionary<string, object> Claims(string? nonce = Nonce)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "auditor1",
            ["name"] = "Ada Auditor",
            ["roles"] = new[] { "auditor" },
        };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }
        return claims;
    }

    private string ValidToken() => _provider.Sign(Claims(), Now.AddMinutes(-1), TimeSpan.FromMinutes(10));

    [Fact]
    public async Task Validate_ValidToken_ReturnsClaims()
    {
        var result = await _validator.ValidateAsync(ValidToken(), Nonce, CancellationToken.None);

        result.Rejection.ShouldBe(IdTokenRejection.None, result.Detail);
        result.Claims.Single(c => c.Type == "sub").Value.ShouldBe("auditor1");
        result.Claims.Where(c => c.Type == "roles").Select(c => c.Value).ShouldBe(["auditor"]);
    }

    [Fact]
    public async Task Validate_EcdsaSignedToken_IsAccepted()
    {
        _provider.Rotate(FakeOidcProvider.NewEcKey("ec-1"));

        var result = await _validator.ValidateAsync(ValidToken(), Nonce, CancellationToken.None);

        result.Rejection.ShouldBe(IdTokenRejection.None, result.Detail);
    }

    [Fact]
    public async Task Validate_WrongIssuer_RejectedAsWrongIssuer()
    {
        var token = _provider.Sign(Claims(), Now, TimeSpan.FromMinutes(10), issuer: "https://evil.test");

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.WrongIssuer);
    }

    [Fact]
    public async Task Validate_WrongAudience_RejectedAsWrongAudience()
    {
        var token = _provider.Sign(Claims(), Now, TimeSpan.FromMinutes(10), audience: "another-client");

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.WrongAudience);
    }

    [Fact]
    public async Task Validate_ExpiredBeyondSkew_RejectedAsExpired()
    {
        var token = _provider.Sign(Claims(), Now.AddMinutes(-20), TimeSpan.FromMinutes(10));

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.Expired);
    }

    [Fact]
    public async Task Validate_ExpiredWithinSkew_IsAccepted()
    {
        var token = _provider.Sign(Claims(), Now.AddMinutes(-11), TimeSpan.FromMinutes(10));

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.None);
    }

    [Fact]
    public async Task Validate_ValidTokenAfterClockMovesPastExpiry_RejectedAsExpired()
    {
        var token = ValidToken();
        _time.Now = Now.AddHours(1);

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.Expired);
    }

    [Fact]
    public async Task Validate_IssuedInFuture_RejectedAsNotYetValid()
    {
        var token = _provider.Sign(Claims(), Now.AddMinutes(30), TimeSpan.FromMinutes(10));

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.NotYetValid);
    }

    [Fact]
    public async Task Validate_OtherNonce_RejectedAsNonceMismatch()
    {
        var result = await _validator.ValidateAsync(ValidToken(), "a-different-nonce", CancellationToken.None);

        result.Rejection.ShouldBe(IdTokenRejection.NonceMismatch);
        result.Claims.ShouldBeEmpty();
    }

    [Fact]
    public async Task Validate_NoNonceInToken_RejectedAsNonceMismatch()
    {
        var token = _provider.Sign(Claims(nonce: null), Now, TimeSpan.FromMinutes(10));

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.NonceMismatch);
    }

    [Fact]
    public async Task Validate_SignedByAnotherKeyWithPublishedKid_RejectedAsBadSignature()
    {
        var impostor = FakeOidcProvider.NewRsaKey(_provider.CurrentKey.KeyId);
        var token = _provider.Sign(Claims(), Now, TimeSpan.FromMinutes(10), key: impostor);

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.BadSignature);
    }

    [Fact]
    public async Task Validate_PayloadAlteredAfterSigning_RejectedAsBadSignature()
    {
        var parts = ValidToken().Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"auditor\"", "\"admin\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        (await _validator.ValidateAsync(forged, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.BadSignature);
    }

    [Fact]
    public async Task Validate_UnsignedAlgNone_IsRejected()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{FakeOidcProvider.Issuer}}","aud":"{{FakeOidcProvider.ClientId}}","sub":"x","nonce":"{{Nonce}}","exp":{{Now.AddMinutes(5).ToUnixTimeSeconds()}}}""");

        var result = await _validator.ValidateAsync($"{header}.{payload}.", Nonce, CancellationToken.None);

        result.IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task Validate_Garbage_RejectedAsMalformed()
    {
        (await _validator.ValidateAsync("not-a-jwt", Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.Malformed);
    }

    [Fact]
    public async Task Validate_ProviderRotatedKeys_RefreshesJwksAndAccepts()
    {
        (await _validator.ValidateAsync(ValidToken(), Nonce, CancellationToken.None)).IsValid.ShouldBeTrue();
        var fetchesBefore = _provider.JwksFetches;

        _provider.Rotate(FakeOidcProvider.NewRsaKey("key-2"));
        var result = await _validator.ValidateAsync(ValidToken(), Nonce, CancellationToken.None);

        result.Rejection.ShouldBe(IdTokenRejection.None, result.Detail);
        _provider.JwksFetches.ShouldBeGreaterThan(fetchesBefore);
    }

    [Fact]
    public async Task Validate_KeyNeverPublished_RejectedAsUnknownSigningKey()
    {
        var token = _provider.Sign(Claims(), Now, TimeSpan.FromMinutes(10), key: FakeOidcProvider.NewRsaKey("stranger"));

        (await _validator.ValidateAsync(token, Nonce, CancellationToken.None)).Rejection.ShouldBe(IdTokenRejection.UnknownSigningKey);
    }
}

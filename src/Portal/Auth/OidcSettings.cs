using System.ComponentModel.DataAnnotations;

namespace AuditPortal.Portal.Auth;

/// <summary>Settings under <c>Portal:Oidc</c>; every key is documented in docs/configuration.md.</summary>
public sealed class OidcSettings
{
    public const string SectionName = "Portal:Oidc";

    /// <summary>Issuer URL; the discovery document is read from <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    [Required, Url]
    public string Authority { get; set; } = "";

    [Required]
    public string ClientId { get; set; } = "";

    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>Requested scopes; <c>openid</c> is always added. Empty here so configuration fully decides (arrays bind by index).</summary>
    public string[] Scopes { get; set; } = [];

    /// <summary>The id_token claim that carries the provider's role or group values.</summary>
    [Required]
    public string RolesClaim { get; set; } = "roles";

    /// <summary>Provider value → portal role (auditor, investigator, admin). Unmapped values grant nothing.</summary>
    public Dictionary<string, string> RoleMapping { get; set; } = new(StringComparer.Ordinal);

    [Required]
    public string CallbackPath { get; set; } = "/signin-oidc";

    /// <summary>
    /// The post-logout redirect URI path of RP-initiated logout (must be registered at the provider): the
    /// handler checks the returned state there and sends the browser on to <see cref="PostLogoutRedirectPath"/>.
    /// </summary>
    [Required]
    public string SignedOutCallbackPath { get; set; } = "/signout-callback-oidc";

    /// <summary>The portal page the browser lands on after signing out.</summary>
    [Required]
    public string PostLogoutRedirectPath { get; set; } = "/signed-out";

    /// <summary>Only set to false for a development provider on plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerance for exp/nbf/iat checks of the id_token.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Shortest interval between two discovery/JWKS refreshes requested by an id_token signed with an unknown key.</summary>
    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often discovery and JWKS are re-read even without an unknown key.</summary>
    public TimeSpan AutomaticRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The named HttpClient for calls to the provider (discovery, JWKS, token endpoint, health check).</summary>
    public const string HttpClientName = "oidc";

    internal string DiscoveryAddress => Authority.TrimEnd('/') + "/.well-known/openid-configuration";
}

/// <summary>Settings under <c>Portal:Session</c>.</summary>
public sealed class SessionSettings
{
    public const string SectionName = "Portal:Session";

    /// <summary>Sliding lifetime of a session: it ends after this much inactivity (requests or circuit activity).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often an open circuit checks that its session still exists (not signed out, not expired).</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);
}

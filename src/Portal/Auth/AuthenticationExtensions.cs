using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuditPortal.Portal.Auth;

public static class AuthenticationExtensions
{
    /// <summary>The scheme name of the OpenID Connect handler.</summary>
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>
    /// Cookie session (server-side, <see cref="SessionStore"/>) + the framework's OpenID Connect handler:
    /// code flow with PKCE, nonce and state, roles mapped from the configured claim (docs/web-auth.md).
    /// </summary>
    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<OidcSettings>().Bind(configuration.GetSection(OidcSettings.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionSettings>().Bind(configuration.GetSection(SessionSettings.SectionName));
        services.AddHttpClient(OidcSettings.HttpClientName, (sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<OidcSettings>>().Value.BackchannelTimeout);
        services.AddSingleton(sp => new RoleMapper(sp.GetRequiredService<IOptions<OidcSettings>>().Value));
        services.AddSingleton<SessionStore>();
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, UseSessionStore>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddOpenIdConnect(OidcScheme, "OpenID Connect", _ => { });

        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<SessionSettings>>((cookie, session) => ConfigureCookie(cookie, session.Value, environment));
        services.AddOptions<OpenIdConnectOptions>(OidcScheme)
            .Configure<IOptions<OidcSettings>, IHttpClientFactory>((oidc, settings, http) => ConfigureOidc(oidc, settings.Value, http, environment));

        // Circuits: the session is re-checked while a page stays open, and circuit activity keeps it alive.
        services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();
        services.AddScoped<CircuitHandler, SessionActivity>();
        return services;
    }

    /// <summary>Role policies from the role table; everything else needs at least a signed-in user (fallback policy).</summary>
    public static IServiceCollection AddPortalAuthorization(this IServiceCollection services)
    {
        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var (policy, roles) in PortalPolicies.Roles)
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        services.AddCascadingAuthenticationState();
        return services;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, SessionSettings session, IHostEnvironment environment)
    {
        cookie.Cookie.Name = "__portal";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax; // Lax: the provider's redirect back is a top-level GET.
        cookie.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        cookie.ExpireTimeSpan = session.IdleTimeout;
        cookie.SlidingExpiration = true;
        cookie.LoginPath = PortalUrls.Login;
        cookie.LogoutPath = PortalUrls.Logout;
        cookie.ReturnUrlParameter = "returnUrl";
        cookie.Events.OnRedirectToLogin = context =>
        {
            // Pages redirect to /login; endpoints meant for scripts (JSON, SSE) get a plain 401.
            if (IsPageRequest(context.Request))
                context.Response.Redirect(context.RedirectUri);
            else
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
        cookie.Events.OnRedirectToAccessDenied = context =>
        {
            // A real 403 rendered by the status-code page instead of a redirect to a "denied" URL.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }

    private static void ConfigureOidc(OpenIdConnectOptions oidc, OidcSettings settings, IHttpClientFactory http, IHostEnvironment environment)
    {
        oidc.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        oidc.Authority = settings.Authority;
        oidc.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        oidc.ClientId = settings.ClientId;
        oidc.ClientSecret = settings.ClientSecret;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        // The code comes back in the query of a top-level GET: the correlation and nonce cookies can stay
        // SameSite=Lax, and the callback is not a cross-site POST.
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        oidc.UsePkce = true;
        oidc.CallbackPath = settings.CallbackPath;
        oidc.SignedOutCallbackPath = settings.SignedOutCallbackPath;
        oidc.SignedOutRedirectUri = settings.PostLogoutRedirectPath;
        // The id_token is kept (server-side, in the session) for id_token_hint at logout; nothing else (OnTicketReceived).
        oidc.SaveTokens = true;
        oidc.GetClaimsFromUserInfoEndpoint = false;
        oidc.MapInboundClaims = false; // claim types as the provider names them: sub, name, roles
        oidc.Scope.Clear();
        foreach (var scope in settings.Scopes.Append("openid").Distinct(StringComparer.Ordinal))
            oidc.Scope.Add(scope);
        oidc.TokenValidationParameters.NameClaimType = PortalPrincipal.NameClaim;
        oidc.TokenValidationParameters.RoleClaimType = PortalRoles.ClaimType;
        oidc.TokenValidationParameters.ClockSkew = settings.ClockSkew;
        // Asymmetric signatures only: never "none", never an HMAC keyed with something the client also knows.
        oidc.TokenValidationParameters.ValidAlgorithms =
        [
            SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
            SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
            SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        ];
        oidc.RefreshOnIssuerKeyNotFound = true;
        oidc.RefreshInterval = settings.MinimumRefreshInterval;
        oidc.AutomaticRefreshInterval = settings.AutomaticRefreshInterval;
        oidc.Backchannel = http.CreateClient(OidcSettings.HttpClientName);
        foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
        {
            cookie.HttpOnly = true;
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        }
        oidc.Events = new OidcEvents();
    }

    internal static bool IsPageRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && (request.Headers.Accept.Count == 0 || request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase));
}

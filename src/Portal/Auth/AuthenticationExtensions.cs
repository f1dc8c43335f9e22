using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Auth;

public static class AuthenticationExtensions
{
    /// <summary>Cookie session + OIDC code flow (PKCE, nonce, validated id_token) against the configured provider.</summary>
    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<OidcSettings>().Bind(configuration.GetSection(OidcSettings.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionSettings>().Bind(configuration.GetSection(SessionSettings.SectionName));
        services.AddHttpClient(OidcConfigurationSource.HttpClientName, (sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<OidcSettings>>().Value.BackchannelTimeout);
        services.AddSingleton<OidcConfigurationSource>();
        services.AddSingleton<IdTokenValidator>();
        services.AddSingleton(sp => new RoleMapper(sp.GetRequiredService<IOptions<OidcSettings>>().Value));

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddOAuth<OAuthOptions, OidcCodeFlowHandler>(OidcCodeFlowHandler.SchemeName, "OpenID Connect", _ => { });

        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<SessionSettings>>((cookie, session) => ConfigureCookie(cookie, session.Value, environment));
        services.AddOptions<OAuthOptions>(OidcCodeFlowHandler.SchemeName)
            .Configure<IOptions<OidcSettings>, IHttpClientFactory>((oauth, oidc, http) => ConfigureOAuth(oauth, oidc.Value, http, environment));
        return services;
    }

    /// <summary>Role policies; everything else needs at least a signed-in user (fallback policy).</summary>
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
            // Pages redirect to /login; endpoints meant for scripts (htmx, JSON, SSE) get a plain 401.
            if (IsPageRequest(context.Request))
            {
                context.Response.Redirect(context.RedirectUri);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            }
            return Task.CompletedTask;
        };
        cookie.Events.OnRedirectToAccessDenied = context =>
        {
            // A real 403 rendered by the status-code page instead of a redirect to a "denied" URL.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }

    private static void ConfigureOAuth(OAuthOptions oauth, OidcSettings oidc, IHttpClientFactory http, IHostEnvironment environment)
    {
        oauth.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        oauth.ClientId = oidc.ClientId;
        oauth.ClientSecret = oidc.ClientSecret;
        oauth.CallbackPath = oidc.CallbackPath;
        oauth.UsePkce = true;
        oauth.SaveTokens = false; // the handler stores the id_token itself, nothing more
        oauth.Scope.Clear();
        foreach (var scope in oidc.Scopes.Append("openid").Distinct(StringComparer.Ordinal))
        {
            oauth.Scope.Add(scope);
        }
        // Real endpoints come from the discovery document on every challenge and code exchange
        // (OidcCodeFlowHandler); these placeholders only satisfy OAuthOptions.Validate().
        oauth.AuthorizationEndpoint = oidc.Authority.TrimEnd('/') + "/.discovered-authorization-endpoint";
        oauth.TokenEndpoint = oidc.Authority.TrimEnd('/') + "/.discovered-token-endpoint";
        oauth.Backchannel = http.CreateClient(OidcConfigurationSource.HttpClientName);
        oauth.CorrelationCookie.HttpOnly = true;
        oauth.CorrelationCookie.SameSite = SameSiteMode.Lax;
        oauth.CorrelationCookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        oauth.Events.OnRemoteFailure = context =>
        {
            var failure = Classify(context.Failure);
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(OidcCodeFlowHandler))
                .LogWarning(context.Failure, "Sign-in failed: {Reason}", failure.Reason);
            failure.Apply(context.HttpContext);
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    private static SignInFailure Classify(Exception? failure) => failure switch
    {
        OidcSignInException e => new SignInFailure(e.Reason, e.Message),
        // The OAuth handler records the provider's `error` parameter in Data.
        { } e when e.Data.Contains("error") => new SignInFailure(SignInFailureReason.ProviderError,
            Convert.ToString(e.Data["error"], System.Globalization.CultureInfo.InvariantCulture) ?? "error"),
        { Message: var m } when m.Contains("state", StringComparison.OrdinalIgnoreCase) || m.Contains("Correlation", StringComparison.Ordinal)
            => new SignInFailure(SignInFailureReason.InvalidState, m),
        { Message: var m } when m.Contains("denied", StringComparison.OrdinalIgnoreCase)
            => new SignInFailure(SignInFailureReason.ProviderError, m),
        _ => new SignInFailure(SignInFailureReason.InvalidCallback, failure?.Message ?? "unknown"),
    };

    internal static bool IsPageRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Headers.ContainsKey("HX-Request")
        && !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && (request.Headers.Accept.Count == 0 || request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase));
}

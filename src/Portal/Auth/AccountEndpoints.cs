using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Auth;

/// <summary><c>/login</c> starts the code flow; <c>/logout</c> (POST, antiforgery) ends the session here and at the provider.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(PortalUrls.Login, (HttpContext context, string? returnUrl) =>
        {
            var target = IsLocal(returnUrl) ? returnUrl! : PortalUrls.Home;
            if (context.User.Identity?.IsAuthenticated == true)
            {
                return Results.LocalRedirect(target);
            }
            return Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [OidcCodeFlowHandler.SchemeName]);
        }).AllowAnonymous();

        app.MapPost(PortalUrls.Logout, async (HttpContext context, OidcConfigurationSource discovery, IOptions<OidcSettings> settings, ILoggerFactory loggers) =>
        {
            // The antiforgery middleware records its verdict; minimal APIs only enforce it when binding
            // a form, and this handler binds none, so check it here (absent verdict = reject).
            if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
            {
                return Results.StatusCode(StatusCodes.Status400BadRequest);
            }

            var idToken = await context.GetTokenAsync(CookieAuthenticationDefaults.AuthenticationScheme, OidcCodeFlowHandler.IdTokenName);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);

            var s = settings.Value;
            var postLogout = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{s.PostLogoutRedirectPath}";
            try
            {
                var config = await discovery.GetAsync(context.RequestAborted);
                if (!string.IsNullOrEmpty(config.EndSessionEndpoint))
                {
                    var query = new Dictionary<string, string?>(StringComparer.Ordinal)
                    {
                        ["client_id"] = s.ClientId,
                        ["post_logout_redirect_uri"] = postLogout,
                    };
                    if (!string.IsNullOrEmpty(idToken))
                    {
                        query["id_token_hint"] = idToken;
                    }
                    return Results.Redirect(QueryHelpers.AddQueryString(config.EndSessionEndpoint, query));
                }
            }
            catch (OidcSignInException ex)
            {
                // The local session is gone either way; say so rather than fail the sign-out.
                loggers.CreateLogger(typeof(AccountEndpoints)).LogWarning(ex, "RP-initiated logout skipped: provider unavailable");
            }
            return Results.LocalRedirect(s.PostLogoutRedirectPath);
        })
        .AllowAnonymous() // an expired session must still be able to sign out at the provider
        .WithMetadata(new RequireAntiforgeryTokenAttribute());

        return app;
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Auth;

/// <summary><c>/login</c> starts the code flow; <c>/logout</c> (POST, antiforgery) ends the session here and at the provider.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(PortalUrls.Login, async (HttpContext context, string? returnUrl, ILoggerFactory loggers) =>
        {
            var target = IsLocal(returnUrl) ? returnUrl! : PortalUrls.Home;
            if (context.User.Identity?.IsAuthenticated == true)
                return Results.LocalRedirect(target);
            try
            {
                // The handler reads the discovery document here; a provider that is down is a 502 page, not a 500.
                await context.ChallengeAsync(AuthenticationExtensions.OidcScheme, new AuthenticationProperties { RedirectUri = target });
            }
            catch (Exception ex) when (IsProviderUnavailable(ex))
            {
                loggers.CreateLogger(typeof(AccountEndpoints)).LogWarning(ex, "Sign-in could not start: provider unavailable");
                new SignInFailure(SignInFailureReason.ProviderUnavailable, ex.Message).Apply(context);
            }
            return Results.Empty;
        }).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy);

        app.MapPost(PortalUrls.Logout, async (HttpContext context, IOptions<OidcSettings> settings, ILoggerFactory loggers) =>
        {
            var signedOut = settings.Value.PostLogoutRedirectPath;
            if (context.User.Identity?.IsAuthenticated == true)
            {
                try
                {
                    // RP-initiated logout first: the handler reads the id_token for id_token_hint from this session.
                    await context.SignOutAsync(AuthenticationExtensions.OidcScheme, new AuthenticationProperties { RedirectUri = signedOut });
                }
                catch (Exception ex) when (IsProviderUnavailable(ex))
                {
                    // The local session ends either way; say so rather than fail the sign-out.
                    loggers.CreateLogger(typeof(AccountEndpoints)).LogWarning(ex, "RP-initiated logout skipped: provider unavailable");
                    context.Response.Redirect(signedOut);
                }
            }
            else
            {
                context.Response.Redirect(signedOut);
            }
            // Removes the server-side session (SessionStore): the cookie, wherever a copy of it went, is void from now on.
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Empty;
        })
        .AllowAnonymous(); // an expired session must still be able to sign out at the provider

        return app;
    }

    private static bool IsProviderUnavailable(Exception ex) =>
        ex is HttpRequestException or TaskCanceledException or IOException
        || ex is InvalidOperationException { InnerException: { } inner } && IsProviderUnavailable(inner);

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}

using AuditPortal.Portal.Auth;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Hosting;

/// <summary>
/// Strict headers on every response (docs/web-auth.md). The CSP allows script only from this origin (no
/// inline script, no eval) and connections only to it (the circuit's WebSocket); inline styles are the one
/// deliberate exception, because MudBlazor sets style attributes. form-action also allows the provider's
/// origin because the sign-out form is answered with a redirect to its end_session_endpoint, and browsers
/// apply form-action to that redirect. Every response but a static asset is <c>Cache-Control: no-store</c>.
/// </summary>
public sealed class SecurityHeadersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly string _csp;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<OidcSettings> oidc)
    {
        _next = next;
        _csp = BuildContentSecurityPolicy(oidc.Value.Authority);
    }

    internal static string BuildContentSecurityPolicy(string authority)
    {
        var formAction = "'self'";
        if (Uri.TryCreate(authority, UriKind.Absolute, out var uri))
        {
            formAction += " " + uri.GetLeftPart(UriPartial.Authority);
        }
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action " + formAction;
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = _csp;
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            // Pages, the JSON API, downloads and event streams carry ledger data: no cache keeps a copy.
            // Only the static assets (scripts, styles) keep the caching MapStaticAssets gives them.
            if (context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is null)
                headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return _next(context);
    }
}

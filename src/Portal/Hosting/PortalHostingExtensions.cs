using AuditPortal.Portal.AccessLogReview;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Evidence;
using AuditPortal.Portal.Layout;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Health;
using AuditPortal.Portal.Verification;
using AuditPortal.Portal.Ledger;
using AuditPortal.Portal.Shared;
using AuditPortal.Portal.Workspace;
using Microsoft.AspNetCore.DataProtection;
using MudBlazor.Services;

namespace AuditPortal.Portal.Hosting;

public static class PortalHostingExtensions
{
    /// <summary>Everything the web app registers: auth, role policies, Razor components, data and gateway, health checks, time.</summary>
    public static WebApplicationBuilder AddPortalWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Run from a build (dotnet run, tests) in any environment, MudBlazor's files and blazor.web.js are
        // found through the build's static web assets manifest; a published app has them in wwwroot and
        // this does nothing.
        builder.WebHost.UseStaticWebAssets();
        // No Server header: nothing about the stack goes out that nobody needs (DESIGN §5).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        services.AddSingleton(TimeProvider.System);
        services.AddPortalAuthentication(builder.Configuration, builder.Environment);
        services.AddSignInRateLimit();
        services.AddPortalAuthorization();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__portal-af";
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.AddPortalDataProtection(builder.Configuration);
        services.AddPortalUi();
        services.AddPortalData(builder.Configuration);
        services.AddPortalWorkspace(builder.Configuration);
        services.AddPortalEvidenceExport(builder.Configuration);
        services.AddAccessLogReview(builder.Configuration);
        services.AddPortalVerification(builder.Configuration);
        services.AddPortalHealthChecks();
        services.AddHostedService<BenchmarkMetricsRecorder>();
        return builder;
    }

    /// <summary>
    /// Razor components in interactive server render mode (docs/ui.md), MudBlazor's services, and the
    /// hand-over of prerendered views to their circuits.
    /// </summary>
    private static void AddPortalUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton<PrerenderedViews>();
        services.AddSingleton<Layout.ThemeStylesheet>();
    }

    /// <summary>
    /// Cookies, OAuth state and antiforgery tokens are protected with Data Protection keys. Several
    /// instances behind a load balancer must share one key ring: <c>Portal:DataProtection:KeysDirectory</c>
    /// (a shared volume). Without it, keys stay in the user profile and work for one instance only.
    /// </summary>
    private static void AddPortalDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName("AuditPortal");
        if (configuration["Portal:DataProtection:KeysDirectory"] is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }
    }

    /// <summary>The request pipeline, in order. Error and status pages never show internals.</summary>
    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        // Build the data sources and the access-log writer now: a bad setting (e.g. an unreadable
        // access-log key) stops start-up instead of failing every query later. No connection is opened.
        app.Services.GetRequiredService<PortalDatabases>();
        app.UseReverseProxyHeaders(); // first: everything after it sees the client's address and scheme
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = PortalUrls.Error,
            CreateScopeForErrors = true,
            // A bad request the framework detects while binding (a malformed form, a missing antiforgery
            // token on a component page) is the client's 400, not the server's 500.
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        // A fresh scope: a component page that set 404 itself already used this request's renderer.
        app.UseStatusCodePagesWithReExecute(PortalUrls.Error + "/{0}", createScopeForStatusCodePages: true);
        app.UseMiddleware<StatusPageMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseRateLimiter(); // before authentication: a start of sign-in over the cap costs nothing (Auth/SignInRateLimit)
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<RequireAntiforgeryMiddleware>();

        app.MapAccountEndpoints();
        app.MapHealthEndpoints();
        app.MapVerificationEndpoints();
        app.MapLedgerApi();
        app.MapAccessLogExport();
        app.MapEvidenceDownloads();
        app.MapAccessLogReviewPdf();
        // wwwroot, MudBlazor's files and the framework's blazor.web.js: public (no ledger data), fingerprinted.
        app.MapStaticAssets().AllowAnonymous();
        // No per-message compression on the circuit's WebSocket: deflating every render batch took ~11 % of the
        // portal's CPU per interaction (docs/performance.md), and compressing secrets beside attacker-chosen text in
        // one stream is what BREACH-style attacks need. Render batches are small; the bandwidth is not worth either.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.DisableWebSocketCompression = true);
        return app;
    }
}

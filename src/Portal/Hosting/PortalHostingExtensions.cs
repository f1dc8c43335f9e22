using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Layout;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Health;
using AuditPortal.Portal.Verification;
using AuditPortal.Portal.Ledger;
using Microsoft.AspNetCore.DataProtection;

namespace AuditPortal.Portal.Hosting;

public static class PortalHostingExtensions
{
    /// <summary>Everything the web app registers: auth, role policies, Razor components, data and gateway, health checks, time.</summary>
    public static WebApplicationBuilder AddPortalWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddPortalAuthentication(builder.Configuration, builder.Environment);
        services.AddPortalAuthorization();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__portal-af";
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.AddPortalDataProtection(builder.Configuration);
        services.AddRazorComponents(); // static SSR only: no interactive render modes
        services.AddPortalData(builder.Configuration);
        services.AddPortalVerification(builder.Configuration);
        services.AddPortalHealthChecks();
        return builder;
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
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler(PortalUrls.Error, createScopeForErrors: true);
        // A fresh scope: a component page that set 404 itself already used this request's renderer.
        app.UseStatusCodePagesWithReExecute(PortalUrls.Error + "/{0}", createScopeForStatusCodePages: true);
        app.UseMiddleware<StatusPageMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapAccountEndpoints();
        app.MapHealthEndpoints();
        app.MapVerificationEndpoints();
        app.MapLedgerApi();
        app.MapRazorComponents<App>();
        return app;
    }
}

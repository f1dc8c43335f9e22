using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Components;
using AuditPortal.Portal.Health;

namespace AuditPortal.Portal.Hosting;

public static class PortalHostingExtensions
{
    /// <summary>Everything the web app registers: auth, role policies, Razor components, health checks, time.</summary>
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
        services.AddRazorComponents(); // static SSR only: no interactive render modes
        services.AddPortalHealthChecks();
        return builder;
    }

    /// <summary>The request pipeline, in order. Error and status pages never show internals.</summary>
    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler(PortalUrls.Error, createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute(PortalUrls.Error + "/{0}");
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
        app.MapRazorComponents<App>();
        return app;
    }
}

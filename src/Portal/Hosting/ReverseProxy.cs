using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace AuditPortal.Portal.Hosting;

/// <summary>
/// The portal behind reverse proxies or load balancers (<c>Portal:ReverseProxy:KnownProxies</c>: their IP addresses
/// or CIDR networks). A request whose connection comes from one of them is taken as the proxy says: the client address
/// (<c>X-Forwarded-For</c>, the entry the nearest proxy added) is what the access log records, and the scheme
/// (<c>X-Forwarded-Proto</c>) is what sign-in's redirect URIs, secure cookies and antiforgery see when TLS ends at the
/// proxy. Without the setting (the default) the headers are ignored: any client could otherwise write the address
/// the access log keeps of it (docs/configuration.md).
/// </summary>
public static class ReverseProxy
{
    public const string KnownProxiesSetting = "Portal:ReverseProxy:KnownProxies";

    /// <summary>The forwarded-headers options of the configured proxies; null when none is configured.</summary>
    /// <exception cref="InvalidOperationException">An entry is neither an IP address nor a CIDR network (start-up stops).</exception>
    public static ForwardedHeadersOptions? OptionsFrom(IConfiguration configuration)
    {
        var entries = configuration.GetSection(KnownProxiesSetting).Get<string[]>() ?? [];
        if (entries.Length == 0)
            return null;
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        // The framework trusts loopback by default; only what the setting names is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries.Select(e => e.Trim()))
        {
            if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal))
                options.KnownProxies.Add(address);
            else if (System.Net.IPNetwork.TryParse(entry, out var network))
                options.KnownIPNetworks.Add(network);
            else
                throw new InvalidOperationException($"{KnownProxiesSetting}: '{entry}' is neither an IP address nor a CIDR network (such as 10.0.0.0/8)");
        }
        return options;
    }

    /// <summary>Applies the proxies' headers first in the pipeline, when proxies are configured.</summary>
    public static WebApplication UseReverseProxyHeaders(this WebApplication app)
    {
        if (OptionsFrom(app.Configuration) is { } options)
            app.UseForwardedHeaders(options);
        return app;
    }
}

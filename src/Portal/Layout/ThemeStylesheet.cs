using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace AuditPortal.Portal.Layout;

/// <summary>
/// The theme's CSS (MudBlazor's variables for <see cref="PortalTheme"/>, its scrollbar and chart styles), rendered once
/// per palette by MudBlazor's own <see cref="MudThemeProvider"/> and shared by every page. A
/// <c>MudThemeProvider</c> in the layout builds the same ~63 KB string again in every circuit and keeps it there
/// for as long as the circuit lives (docs/ui.md, "The shell"); the layout renders one of these two strings instead,
/// so a circuit holds a reference, and the dark-theme toggle switches the reference.
/// </summary>
public sealed class ThemeStylesheet(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    private readonly Lazy<(MarkupString Light, MarkupString Dark)> css = new(() => (Render(scopes, loggers, dark: false), Render(scopes, loggers, dark: true)));

    public MarkupString For(bool dark) => dark ? css.Value.Dark : css.Value.Light;

    private static MarkupString Render(IServiceScopeFactory scopes, ILoggerFactory loggers, bool dark)
    {
        // A scope of its own: MudThemeProvider injects the (scoped) JS runtime, which static rendering never calls.
        using var scope = scopes.CreateScope();
        using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var html = renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = PortalTheme.Theme,
                [nameof(MudThemeProvider.IsDarkMode)] = dark,
            }));
            return output.ToHtmlString();
        }).GetAwaiter().GetResult();
        return new MarkupString(html);
    }
}

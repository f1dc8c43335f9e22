using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AuditPortal.Tests.Portal;

/// <summary>
/// Renders a component with bUnit (MudBlazor's services, loose JavaScript interop, a fixed antiforgery
/// token) and returns its markup as an AngleSharp document, for tests that only read what it shows.
/// Tests that click or re-render use <see cref="PortalComponentTest"/> directly.
/// </summary>
internal static class ComponentRenderer
{
    public static async Task<IDocument> RenderAsync<TComponent>(IDictionary<string, object?> parameters) where TComponent : IComponent
    {
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgeryStateProvider>();
        var rendered = context.Render(builder =>
        {
            builder.OpenComponent<TComponent>(0);
            foreach (var (name, value) in parameters)
                builder.AddComponentParameter(1, name, value);
            builder.CloseComponent();
        });
        return new HtmlParser().ParseDocument($"<html><body>{rendered.Markup}</body></html>");
    }

    private sealed class FixedAntiforgeryStateProvider : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
    }
}

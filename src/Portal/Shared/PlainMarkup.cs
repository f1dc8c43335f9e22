using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AuditPortal.Portal.Shared;

/// <summary>
/// MudBlazor's look as plain markup, for the parts of a page that repeat per row (docs/ui.md, "Rows are plain
/// markup"). Every MudBlazor component is a component instance in the circuit, with its own state, parameters and
/// two render-tree buffers for as long as the page is open: a 50-row timeline built of MudTd, MudChip, MudLink and
/// MudIcon was ~4,000 components and ~3 MB per idle circuit. A row written as elements with MudBlazor's CSS classes
/// looks the same and costs a few frames of its grid's tree. MudBlazor components stay for the chrome, the forms,
/// pickers and dialogs, where there is one of each.
/// </summary>
public static class PlainMarkup
{
    /// <summary>The classes of a <c>MudLink</c> (primary, underlined on hover).</summary>
    public const string Link = "mud-typography mud-link mud-primary-text mud-link-underline-hover";

    /// <summary>The classes of a small <c>MudIconButton</c>.</summary>
    public const string IconButton = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-icon-button-size-small";

    /// <summary>The classes of a small text <c>MudButton</c>.</summary>
    public const string TextButton = "mud-button-root mud-button mud-button-text mud-button-text-default mud-button-text-size-small mud-ripple";

    /// <summary>The classes of a dense, hovering <c>MudTable</c> whose rows become cards below the sm breakpoint.</summary>
    public const string Table = "mud-table mud-sm-table mud-table-dense mud-table-hover mud-elevation-0";

    /// <summary>The classes of a small text <c>MudButton</c> in the colour of its surroundings (the app bar's).</summary>
    public const string InheritTextButton = "mud-button-root mud-button mud-button-text mud-button-text-inherit mud-button-text-size-small mud-ripple";

    /// <summary>The classes of a small outlined <c>MudButton</c> in the colour of its surroundings.</summary>
    public const string InheritOutlinedButton = "mud-button-root mud-button mud-button-outlined mud-button-outlined-inherit mud-button-outlined-size-small mud-ripple";

    /// <summary>The classes of a medium <c>MudIconButton</c> in the colour of its surroundings.</summary>
    public const string InheritIconButton = "mud-button-root mud-icon-button mud-inherit-text hover:mud-inherit-hover mud-ripple mud-ripple-icon";

    /// <summary>The classes of a small <c>MudChip</c> of <paramref name="color"/>, filled or outlined.</summary>
    public static string Chip(Color color, bool outlined = false) =>
        $"mud-chip {(outlined ? "mud-chip-outlined" : "mud-chip-filled")} mud-chip-size-small mud-chip-color-{ColorName(color)}";

    /// <summary>The classes of a small outlined <c>MudButton</c>.</summary>
    public const string OutlinedButton = "mud-button-root mud-button mud-button-outlined mud-button-outlined-default mud-button-outlined-size-small mud-ripple";

    /// <summary>The classes of a medium text <c>MudButton</c>.</summary>
    public const string MediumTextButton = "mud-button-root mud-button mud-button-text mud-button-text-default mud-button-text-size-medium mud-ripple";

    /// <summary>A <c>MudIcon</c> (small unless said): one of MudBlazor's icon constants (SVG paths, trusted markup) in its svg element.</summary>
    public static MarkupString Icon(string icon, Color color = Color.Inherit, string? extraClass = null, Size size = Size.Small) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"""<svg class="mud-icon-root mud-svg-icon mud-icon-size-{size.ToString().ToLowerInvariant()}{(color == Color.Inherit ? "" : " mud-" + ColorName(color) + "-text")}{(extraClass is null ? "" : " " + extraClass)}" focusable="false" viewBox="0 0 24 24" aria-hidden="true">{icon}</svg>"""));

    private static string ColorName(Color color) => color.ToString().ToLowerInvariant();
}

using MudBlazor;

namespace AuditPortal.Portal.Layout;

/// <summary>The portal's MudBlazor theme: a sober blue-grey palette, the system font stack (no web fonts to fetch).</summary>
public static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f4e79",
            Secondary = "#5c6b7a",
            AppbarBackground = "#1f2a36",
            AppbarText = "#ffffff",
            Background = "#f6f7f9",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb2e5",
            Secondary = "#9aa8b6",
            AppbarBackground = "#161c23",
            AppbarText = "#e6edf3",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}

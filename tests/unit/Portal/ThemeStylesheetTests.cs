using AuditPortal.Portal.Layout;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuditPortal.Tests.Portal;

public class ThemeStylesheetTests : PortalComponentTest
{
    private ThemeStylesheet Stylesheet() => new(Services.GetRequiredService<IServiceScopeFactory>(), NullLoggerFactory.Instance);

    [Fact]
    public void ThemeStylesheet_EachPalette_IsMudBlazorsVariablesForThePortalTheme()
    {
        var stylesheet = Stylesheet();

        // PortalTheme's colours, as MudBlazor writes them (#1f4e79, #1f2a36 light; #7fb2e5, #161c23 dark).
        var light = stylesheet.For(dark: false).Value;
        var dark = stylesheet.For(dark: true).Value;

        light.ShouldContain("--mud-palette-primary: rgba(31,78,121,1);", Case.Sensitive);
        light.ShouldContain("--mud-palette-appbar-background: rgba(31,42,54,1);", Case.Sensitive);
        dark.ShouldContain("--mud-palette-primary: rgba(127,178,229,1);", Case.Sensitive);
        dark.ShouldContain("--mud-palette-appbar-background: rgba(22,28,35,1);", Case.Sensitive);
        light.ShouldContain("system-ui", Case.Sensitive);
        light.ShouldStartWith("<style>", Case.Sensitive);
    }

    [Fact]
    public void ThemeStylesheet_RenderedOnce_TheSameStringForEveryCircuit()
    {
        var stylesheet = Stylesheet();

        // A circuit keeps a reference, not a copy: the same instance every time it is asked.
        ReferenceEquals(stylesheet.For(dark: true).Value, stylesheet.For(dark: true).Value).ShouldBeTrue();
        ReferenceEquals(stylesheet.For(dark: false).Value, stylesheet.For(dark: false).Value).ShouldBeTrue();
    }
}

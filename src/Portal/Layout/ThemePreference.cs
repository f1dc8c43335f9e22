namespace AuditPortal.Portal.Layout;

/// <summary>
/// The light/dark choice, remembered in a cookie the toggle writes (<c>wwwroot/js/theme.js</c>) and the
/// server reads when it renders the page, so a dark page never flashes light first. Not a secret and
/// not a session: a plain preference cookie.
/// </summary>
public static class ThemePreference
{
    public const string CookieName = "portal-theme";
    public const string CascadeName = "DarkMode";
    public const string ScriptPath = "/js/theme.js";

    public static bool IsDark(HttpContext? context) =>
        context?.Request.Cookies[CookieName] == "dark";
}

namespace AuditPortal.Portal;

/// <summary>Every URL the portal links to, built in one place.</summary>
public static class PortalUrls
{
    public const string Home = "/";
    public const string Login = "/login";
    public const string Logout = "/logout";
    public const string SignedOut = "/signed-out";
    public const string Health = "/healthz";
    public const string Timeline = "/timeline";
    public const string Verification = "/verification";
    public const string Evidence = "/evidence";
    public const string AccessLog = "/access-log";
    public const string Error = "/error";
    public const string StreamEventsPattern = "/api/streams/{type}/{id}/events";

    public static string StreamEvents(string type, string id) =>
        $"/api/streams/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(id)}/events";

    public static string LoginWithReturn(string returnUrl) => $"{Login}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static string StatusPage(int statusCode) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Error}/{statusCode}");
}

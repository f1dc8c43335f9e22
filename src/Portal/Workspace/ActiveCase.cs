namespace AuditPortal.Portal.Workspace;

/// <summary>
/// The case the caller works in, chosen in the app bar (<see cref="CaseSelector"/>) and remembered in the
/// <c>portal-case</c> cookie (a preference, not a credential: the gateway checks membership on every query).
/// A request reads the cookie; a circuit has no HttpContext, so the prerendered page hands the value to the
/// circuit's root component (<c>Layout/Routes.razor</c>), which captures it, like <see cref="Gateway.ClientConnection"/>.
/// Every gateway query carries it (docs/workspace.md). One per request or circuit (scoped).
/// </summary>
public sealed class ActiveCase(IHttpContextAccessor httpContextAccessor)
{
    public const string CookieName = "portal-case";
    public const string ScriptPath = "/js/case.js";

    private bool captured;
    private Guid? circuitCase;

    /// <summary>The chosen case's id, or null (no case, or a cookie that is not a case id).</summary>
    public Guid? Id => captured ? circuitCase : Parse(httpContextAccessor.HttpContext?.Request.Cookies[CookieName]);

    /// <summary>Fixes the case for the rest of this circuit (a new choice reloads the page, and so the circuit).</summary>
    public void CaptureForCircuit(string? cookieValue)
    {
        circuitCase = Parse(cookieValue);
        captured = true;
    }

    /// <summary>The cookie's value as the request carries it (for <see cref="CaptureForCircuit"/>).</summary>
    public static string? CookieOf(HttpContext? context) => context?.Request.Cookies[CookieName];

    public static Guid? Parse(string? value) =>
        Guid.TryParseExact(value, "D", out var id) && id != Guid.Empty ? id : null;
}

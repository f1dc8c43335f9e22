using System.Security.Claims;

namespace AuditPortal.Portal.Auth;

/// <summary>The cookie principal: a few id_token claims plus the mapped portal roles. Nothing else is kept.</summary>
public static class PortalPrincipal
{
    public const string AuthenticationType = "oidc";
    public const string NameClaim = "name";

    private static readonly string[] Kept = ["sub", "iss", "sid", "preferred_username", "email"];

    public static ClaimsPrincipal Create(IReadOnlyList<Claim> idTokenClaims, IReadOnlyList<string> portalRoles)
    {
        string? Value(string type) => idTokenClaims.FirstOrDefault(c => c.Type == type)?.Value;

        var claims = new List<Claim>();
        foreach (var type in Kept)
        {
            if (Value(type) is { } v)
            {
                claims.Add(new Claim(type, v));
            }
        }
        var display = Value("name") ?? Value("preferred_username") ?? Value("sub") ?? "unknown";
        claims.Add(new Claim(NameClaim, display));
        claims.AddRange(portalRoles.Select(r => new Claim(PortalRoles.ClaimType, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, NameClaim, PortalRoles.ClaimType));
    }

    public static IReadOnlyList<string> Roles(this ClaimsPrincipal user) =>
        PortalRoles.All.Where(user.IsInRole).ToArray();

    public static string? UserName(this ClaimsPrincipal user) =>
        user.FindFirst("preferred_username")?.Value ?? user.FindFirst("sub")?.Value;

    /// <summary>The stable id the access log and the workspace know the user by: the OIDC subject (the access-log stream id).</summary>
    public static string SubjectId(this ClaimsPrincipal user) =>
        user.FindFirst("sub")?.Value ?? user.UserName() ?? "unknown";

    /// <summary>The name shown for the user: the display name, else the user name, else the subject.</summary>
    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirst(NameClaim)?.Value ?? user.UserName() ?? user.SubjectId();
}

using System.Security.Claims;
using AuditPortal.Portal.Auth;

namespace AuditPortal.Tests.Portal;

internal static class TestUsers
{
    public static ClaimsPrincipal Anonymous => new(new ClaimsIdentity());

    public static ClaimsPrincipal WithRoles(string name, params string[] roles) =>
        PortalPrincipal.Create(
            [new Claim("sub", name.ToLowerInvariant()), new Claim("name", name), new Claim("preferred_username", name.ToLowerInvariant())],
            roles);
}

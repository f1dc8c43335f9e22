using System.Security.Claims;
using System.Text.Encodings.Web;
using AuditPortal.Portal.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>
/// TEST PROJECT ONLY: signs a request in from the <c>X-Test-User</c> / <c>X-Test-Roles</c> headers, so
/// the route × role matrix does not need a browser round trip through the provider for each cell
/// (the real sign-in is covered by SignInRoundTripTests). It is registered only by
/// <see cref="GatewayPortalFactory"/>; the portal itself has no such scheme. Without the header it
/// yields no result and the portal's own cookie scheme challenges (redirect to /login) as usual.
/// </summary>
public sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string UserHeader = "X-Test-User";
    public const string RolesHeader = "X-Test-Roles";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(UserHeader, out var user) || string.IsNullOrEmpty(user))
            return Task.FromResult(AuthenticateResult.NoResult());
        var roles = Request.Headers[RolesHeader].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        var principal = PortalPrincipal.Create(
            [new Claim("sub", user!), new Claim("preferred_username", user!), new Claim("name", user!)], roles);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

/// <summary>The five kinds of caller of the route matrix.</summary>
public static class TestCallers
{
    public static (string User, string Roles)? For(string caller) => caller switch
    {
        "anonymous" => null,
        "norole" => ("norole1", ""),
        "auditor" => ("auditor1", PortalRoles.Auditor),
        "investigator" => ("investigator1", PortalRoles.Investigator),
        "admin" => ("admin1", PortalRoles.Admin),
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };
}

using System.Security.Claims;

namespace AuditPortal.Portal.Auth;

/// <summary>The portal's own roles (DESIGN §4). Provider values are mapped onto these.</summary>
public static class PortalRoles
{
    public const string Auditor = "auditor";
    public const string Investigator = "investigator";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Auditor, Investigator, Admin];

    /// <summary>Claim type of role claims in the portal's cookie principal.</summary>
    public const string ClaimType = "role";

    public static bool IsPortalRole(string value) => All.Contains(value, StringComparer.Ordinal);
}

/// <summary>
/// The role table: every policy and the roles it admits, written once. Page and endpoint policies are
/// registered from it (<see cref="AuthenticationExtensions.AddPortalAuthorization"/>), every query kind
/// names one of these policies (<see cref="Gateway.QueryKinds"/>), and the navigation drawer shows a link
/// only when the role may open the page behind it.
/// </summary>
public static class PortalPolicies
{
    /// <summary>Timelines, lineage, checkpoints, proofs, starting verification runs: auditors and investigators.</summary>
    public const string Auditor = "Auditor";

    /// <summary>Investigator-only work (unmasking, evidence export).</summary>
    public const string Investigator = "Investigator";

    /// <summary>Access-log review.</summary>
    public const string Admin = "Admin";

    /// <summary>
    /// Watching verification runs and cancelling them: auditors, investigators and admins (admins may
    /// cancel any run; starting one is the <c>verification.start</c> query kind, policy <see cref="Auditor"/>).
    /// </summary>
    public const string VerificationViewer = "VerificationViewer";

    /// <summary>Any portal role at all (the home dashboard).</summary>
    public const string AnyRole = "AnyRole";

    /// <summary>Policy name → the portal roles it admits (any one suffices).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Roles { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [Auditor] = [PortalRoles.Auditor, PortalRoles.Investigator],
        [Investigator] = [PortalRoles.Investigator],
        [Admin] = [PortalRoles.Admin],
        [VerificationViewer] = PortalRoles.All,
        [AnyRole] = PortalRoles.All,
    };

    /// <summary>The roles <paramref name="policy"/> admits; throws for a name that is not in the table.</summary>
    public static IReadOnlyList<string> RolesOf(string policy) =>
        Roles.TryGetValue(policy, out var roles) ? roles : throw new ArgumentOutOfRangeException(nameof(policy), policy, "not a portal policy");

    /// <summary>True when one of <paramref name="roles"/> is admitted by <paramref name="policy"/>.</summary>
    public static bool Allows(string policy, IEnumerable<string> roles)
    {
        var admitted = RolesOf(policy);
        return roles.Any(r => admitted.Contains(r, StringComparer.Ordinal));
    }

    /// <summary>True when the signed-in <paramref name="user"/> is admitted by <paramref name="policy"/>.</summary>
    public static bool Allows(string policy, ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Allows(policy, user.Roles());
}

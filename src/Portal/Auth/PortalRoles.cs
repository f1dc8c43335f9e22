namespace AuditPortal.Portal.Auth;

/// <summary>The portal's own roles (docs/web-auth.md, docs/gateway.md). Provider values are mapped onto these.</summary>
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

/// <summary>Authorization policy names.</summary>
public static class PortalPolicies
{
    /// <summary>Timelines, lineage, verification: auditors and investigators.</summary>
    public const string Auditor = "Auditor";
    public const string Investigator = "Investigator";
    public const string Admin = "Admin";
    /// <summary>
    /// Watching verification runs and cancelling them: auditors, investigators and admins (admins may
    /// cancel any run; starting one is the <c>verification.start</c> query kind: auditors and investigators).
    /// </summary>
    public const string VerificationViewer = "VerificationViewer";
    /// <summary>Any portal role at all (the home page).</summary>
    public const string AnyRole = "AnyRole";
}

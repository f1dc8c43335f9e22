using System.Security.Claims;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;

namespace AuditPortal.Portal.Evidence;

/// <summary>
/// Who may export in a case and download its exports: one rule, for the dialog, the job's start and the download endpoint.
/// The caller holds the portal's investigator role (the role table's <see cref="PortalPolicies.Investigator"/>) and is a
/// member of the case as an investigator; exporting also needs the case open (downloading a finished export does not).
/// </summary>
public static class CaseExportAccess
{
    public const string NotInvestigatorMessage = "Only investigators export evidence and download it.";
    public const string NotMemberMessage = "You are not an investigator in this case, so you cannot export from it or download its exports.";
    public const string ClosedMessage = "The case is closed: nothing more is exported from it.";
    public const string NoCaseMessage = "Choose a case in the bar at the top first: an evidence export is always made within a case.";

    /// <summary>Null when <paramref name="user"/> may; else why not.</summary>
    public static string? Problem(ClaimsPrincipal user, CaseAccess? access, bool toExport)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!PortalPolicies.Allows(PortalPolicies.Investigator, user))
            return NotInvestigatorMessage;
        if (access is null || access.MemberRole != PortalRoles.Investigator)
            return NotMemberMessage;
        return toExport && !access.IsOpen ? ClosedMessage : null;
    }
}

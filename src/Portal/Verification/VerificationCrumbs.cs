using MudBlazor;

namespace AuditPortal.Portal.Verification;

/// <summary>The breadcrumbs of the verification pages (Overview › Verification › page).</summary>
internal static class VerificationCrumbs
{
    public static readonly IReadOnlyList<BreadcrumbItem> Runs =
        [new("Overview", PortalUrls.Home), new("Verification", null, disabled: true)];

    public static IReadOnlyList<BreadcrumbItem> Under(string page) =>
        [new("Overview", PortalUrls.Home), new("Verification", PortalUrls.Verification), new(page, null, disabled: true)];
}

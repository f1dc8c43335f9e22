using System.Reflection;
using System.Security.Claims;
using AuditPortal.Portal.Auth;
using Microsoft.AspNetCore.Authorization;
using MudBlazor;

namespace AuditPortal.Portal.Layout;

/// <summary>
/// One entry of the navigation drawer. Who sees it is not written here: it is the policy of the page's
/// own <c>[Authorize]</c> attribute, read from <paramref name="Page"/>, so the drawer never offers a page
/// the role cannot open.
/// </summary>
public sealed record NavigationItem(string Title, string Href, string Icon, Type Page)
{
    /// <summary>The policy on the page's <see cref="AuthorizeAttribute"/> (a page without one is a bug in the table).</summary>
    public string Policy { get; } = Page.GetCustomAttribute<AuthorizeAttribute>()?.Policy
        ?? throw new InvalidOperationException($"{Page.Name} has no [Authorize(Policy = ...)]; it cannot be in the navigation");
}

/// <summary>The navigation drawer's entries, in order: only pages that exist (no placeholders).</summary>
public static class Navigation
{
    public static IReadOnlyList<NavigationItem> Items { get; } =
    [
        new("Overview", PortalUrls.Home, Icons.Material.Outlined.Dashboard, typeof(Dashboard.Home)),
        new("Timeline", PortalUrls.Timeline, Icons.Material.Outlined.Timeline, typeof(Timeline.Search)),
        new("Stale outputs", PortalUrls.StaleOutputsPath, Icons.Material.Outlined.CallSplit, typeof(Lineage.StaleOutputsPage)),
        new("Cases", PortalUrls.Cases, Icons.Material.Outlined.Work, typeof(Workspace.CasesPage)),
        new("Verification", PortalUrls.Verification, Icons.Material.Outlined.VerifiedUser, typeof(Verification.VerificationPage)),
        new("Checkpoints", PortalUrls.Checkpoints, Icons.Material.Outlined.Flag, typeof(Verification.CheckpointsPage)),
        new("Proofs", PortalUrls.Proofs, Icons.Material.Outlined.AccountTree, typeof(Verification.ProofsPage)),
        new("Verify evidence", PortalUrls.EvidenceVerify, Icons.Material.Outlined.FactCheck, typeof(Evidence.EvidenceVerifyPage)),
        new("Access log", PortalUrls.AccessLog, Icons.Material.Outlined.ManageSearch, typeof(AccessLogReview.AccessLogBrowser)),
    ];

    /// <summary>
    /// The entry that holds <paramref name="path"/>: the one whose address is the longest prefix of it (so a
    /// run's page belongs to "Verification" but /verification/checkpoints to "Checkpoints" alone); null if none.
    /// </summary>
    public static NavigationItem? Current(string path)
    {
        path = "/" + path.TrimStart('/').Split('?', '#')[0];
        return Items.Where(item => item.Href == PortalUrls.Home
                ? path == PortalUrls.Home
                : path == item.Href || path.StartsWith(item.Href + "/", StringComparison.Ordinal))
            .MaxBy(item => item.Href.Length);
    }

    /// <summary>The entries <paramref name="user"/> may open.</summary>
    public static IReadOnlyList<NavigationItem> For(ClaimsPrincipal user) =>
        Items.Where(item => PortalPolicies.Allows(item.Policy, user)).ToArray();
}

using AuditPortal.Portal;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Layout;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Portal;

public class UserBadgeTests : PortalComponentTest
{
    public UserBadgeTests() => Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgeryStateProvider>();

    private IRenderedComponent<UserBadge> Render(System.Security.Claims.ClaimsPrincipal user) =>
        Render<UserBadge>(p => p.Add(c => c.User, user));

    [Fact]
    public void UserBadge_SignedIn_ShowsNameAndRoles()
    {
        var badge = Render(TestUsers.WithRoles("Ada Auditor", PortalRoles.Auditor, PortalRoles.Admin));

        var user = badge.Find("[data-testid=current-user]");
        user.QuerySelector(".portal-user-name")!.TextContent.ShouldBe("Ada Auditor");
        user.QuerySelectorAll("[data-role]").Select(e => e.TextContent.Trim()).ShouldBe(["auditor", "admin"]);
    }

    [Fact]
    public void UserBadge_NoPortalRole_SaysSo()
    {
        Render(TestUsers.WithRoles("Nora")).Find("[data-testid=current-user]").TextContent.ShouldContain("no portal role");
    }

    [Fact]
    public void UserBadge_SignedIn_SignOutIsPostFormWithAntiforgeryToken()
    {
        var badge = Render(TestUsers.WithRoles("Ada", PortalRoles.Auditor));

        var form = badge.Find($"form[action='{PortalUrls.Logout}']");
        form.GetAttribute("method").ShouldBe("post");
        form.QuerySelector("input[type=hidden][name=__RequestVerificationToken]")!.GetAttribute("value").ShouldBe("test-token");
        form.QuerySelector("button[type=submit]")!.TextContent.Trim().ShouldBe("Sign out");
    }

    [Fact]
    public void UserBadge_Anonymous_ShowsSignInLinkOnly()
    {
        var badge = Render(TestUsers.Anonymous);

        badge.FindAll("form").ShouldBeEmpty();
        badge.Find($"a[href='{PortalUrls.Login}']").TextContent.Trim().ShouldBe("Sign in");
    }

    private sealed class FixedAntiforgeryStateProvider : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
    }
}

using AngleSharp.Dom;
using AuditPortal.Portal;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Layout;

namespace AuditPortal.Tests.Portal;

public class NavMenuTests
{
    private static async Task<IDocument> Render(System.Security.Claims.ClaimsPrincipal user) =>
        await ComponentRenderer.RenderAsync<NavMenu>(new Dictionary<string, object?> { ["User"] = user });

    private static string[] NavLinks(IDocument doc) =>
        doc.QuerySelectorAll("ul.navbar-nav a.nav-link").Select(a => a.TextContent.Trim()).ToArray();

    [Theory]
    [InlineData(PortalRoles.Auditor, new[] { "Timeline", "Verification" })]
    [InlineData(PortalRoles.Investigator, new[] { "Timeline", "Verification" })]
    [InlineData(PortalRoles.Admin, new[] { "Verification" })]
    public async Task NavMenu_SingleRole_ShowsExactlyThatRolesLinks(string role, string[] expected)
    {
        var doc = await Render(TestUsers.WithRoles("Someone", role));

        NavLinks(doc).ShouldBe(expected);
    }

    [Fact]
    public async Task NavMenu_AuditorAndAdmin_ShowsUnionOfLinksInOrder()
    {
        var doc = await Render(TestUsers.WithRoles("Both", PortalRoles.Admin, PortalRoles.Auditor));

        NavLinks(doc).ShouldBe(["Timeline", "Verification"]);
    }

    [Fact]
    public async Task NavMenu_Links_PointAtPortalUrls()
    {
        var doc = await Render(TestUsers.WithRoles("Ivo", PortalRoles.Investigator, PortalRoles.Admin));

        doc.QuerySelectorAll("ul.navbar-nav a.nav-link").Select(a => a.GetAttribute("href"))
            .ShouldBe([PortalUrls.Timeline, PortalUrls.Verification]);
    }

    [Fact]
    public async Task NavMenu_SignedIn_ShowsNameAndRoles()
    {
        var doc = await Render(TestUsers.WithRoles("Ada Auditor", PortalRoles.Auditor, PortalRoles.Admin));

        var user = doc.QuerySelector("[data-testid=current-user]").ShouldNotBeNull();
        user.QuerySelector(".fw-semibold")!.TextContent.ShouldBe("Ada Auditor");
        user.QuerySelectorAll("[data-role]").Select(e => e.TextContent).ShouldBe(["auditor", "admin"]);
    }

    [Fact]
    public async Task NavMenu_NoPortalRole_ShowsNoLinksAndSaysSo()
    {
        var doc = await Render(TestUsers.WithRoles("Nora"));

        NavLinks(doc).ShouldBeEmpty();
        doc.QuerySelector("[data-testid=current-user]")!.TextContent.ShouldContain("no portal role");
    }

    [Fact]
    public async Task NavMenu_SignedIn_SignOutIsPostFormWithAntiforgeryToken()
    {
        var doc = await Render(TestUsers.WithRoles("Ada", PortalRoles.Auditor));

        var form = doc.QuerySelector($"form[action='{PortalUrls.Logout}']").ShouldNotBeNull();
        form.GetAttribute("method").ShouldBe("post");
        form.QuerySelector("input[type=hidden][name=__RequestVerificationToken]")!.GetAttribute("value").ShouldBe("test-token");
        form.QuerySelector("button[type=submit]")!.TextContent.ShouldBe("Sign out");
    }

    [Fact]
    public async Task NavMenu_Anonymous_ShowsSignInLinkOnly()
    {
        var doc = await Render(TestUsers.Anonymous);

        NavLinks(doc).ShouldBeEmpty();
        doc.QuerySelector("form").ShouldBeNull();
        doc.QuerySelector($"a[href='{PortalUrls.Login}']")!.TextContent.ShouldBe("Sign in");
    }
}

using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Shared;

namespace AuditPortal.Tests.Portal;

public class NoAccessTests
{
    private static Task<AngleSharp.Dom.IDocument> Render(System.Security.Claims.ClaimsPrincipal user) =>
        ComponentRenderer.RenderAsync<NoAccess>(new Dictionary<string, object?> { ["User"] = user });

    [Fact]
    public async Task NoAccess_SignedInWithoutRole_ExplainsMissingRoleAndNamesUser()
    {
        var doc = await Render(TestUsers.WithRoles("Nora Norole"));

        var section = doc.QuerySelector("[data-testid=no-access]").ShouldNotBeNull();
        section.QuerySelector("h1")!.TextContent.ShouldBe("No access");
        section.TextContent.ShouldContain("has no AuditPortal role");
        section.QuerySelector("strong")!.TextContent.ShouldBe("Nora Norole");
    }

    [Fact]
    public async Task NoAccess_SignedInWithOtherRole_SaysRoleDoesNotAllowPage()
    {
        var doc = await Render(TestUsers.WithRoles("Ada", PortalRoles.Auditor));

        var text = doc.QuerySelector("[data-testid=no-access]")!.TextContent;
        text.ShouldContain("Your role does not allow this page");
        text.ShouldNotContain("no AuditPortal role");
    }
}

using Microsoft.Extensions.DependencyInjection;
using AuditPortal.Portal;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Layout;
using Bunit;

namespace AuditPortal.Tests.Portal;

public class NavMenuTests : PortalComponentTest
{
    private string[] Links(System.Security.Claims.ClaimsPrincipal user) =>
        Render<NavMenu>(p => p.Add(c => c.User, user))
            .FindAll("nav[aria-label=Main] a").Select(a => a.TextContent.Trim()).ToArray();

    [Theory]
    [InlineData(PortalRoles.Auditor, new[] { "Overview", "Timeline", "Stale outputs", "Cases", "Verification", "Checkpoints", "Proofs", "Verify evidence" })]
    [InlineData(PortalRoles.Investigator, new[] { "Overview", "Timeline", "Stale outputs", "Cases", "Verification", "Checkpoints", "Proofs", "Verify evidence" })]
    [InlineData(PortalRoles.Admin, new[] { "Overview", "Verification", "Verify evidence", "Access log" })]
    public void NavMenu_SingleRole_ShowsExactlyThePagesThatRoleMayOpen(string role, string[] expected)
    {
        Links(TestUsers.WithRoles("Someone", role)).ShouldBe(expected);
    }

    [Fact]
    public void NavMenu_AuditorAndAdmin_ShowsUnionOfLinksInOrder()
    {
        Links(TestUsers.WithRoles("Both", PortalRoles.Admin, PortalRoles.Auditor))
            .ShouldBe(["Overview", "Timeline", "Stale outputs", "Cases", "Verification", "Checkpoints", "Proofs", "Verify evidence", "Access log"]);
    }

    [Fact]
    public void NavMenu_Links_PointAtPortalUrls()
    {
        var nav = Render<NavMenu>(p => p.Add(c => c.User, TestUsers.WithRoles("Ivo", PortalRoles.Investigator)));

        nav.FindAll("nav[aria-label=Main] a").Select(a => a.GetAttribute("href"))
            .ShouldBe([PortalUrls.Home, PortalUrls.Timeline, PortalUrls.StaleOutputsPath, PortalUrls.Cases, PortalUrls.Verification, PortalUrls.Checkpoints, PortalUrls.Proofs, PortalUrls.EvidenceVerify]);
    }

    [Theory]
    [InlineData("Nora")]
    public void NavMenu_NoPortalRoleOrAnonymous_ShowsNoLinks(string name)
    {
        Links(TestUsers.WithRoles(name)).ShouldBeEmpty();
        Links(TestUsers.Anonymous).ShouldBeEmpty();
    }

    [Fact]
    public void Navigation_EveryItem_IsTheRouteOfItsPageAndUsesItsPolicy()
    {
        foreach (var item in Navigation.Items)
        {
            var routes = item.Page.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), false)
                .Cast<Microsoft.AspNetCore.Components.RouteAttribute>().Select(r => r.Template);
            routes.ShouldContain(item.Href, $"{item.Title} links to {item.Href}, a route of {item.Page.Name}");
            PortalPolicies.Roles.ContainsKey(item.Policy).ShouldBeTrue(item.Policy);
        }
    }

    [Theory]
    [InlineData("/verification/checkpoints", "Checkpoints")]
    [InlineData("/verification", "Verification")]
    [InlineData("/verification/runs/01a24365-ed23-79ba-a920-08f812bb4db5", "Verification")]
    [InlineData("/timeline/account/acc-000001", "Timeline")]
    [InlineData("/", "Overview")]
    public void NavMenu_CurrentPage_LightsExactlyOneEntry(string path, string expected)
    {
        Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>().NavigateTo(path);

        var nav = Render<NavMenu>(p => p.Add(c => c.User, TestUsers.WithRoles("Ivo", PortalRoles.Investigator)));

        nav.FindAll("nav[aria-label=Main] a.active").Select(a => a.TextContent.Trim()).ShouldBe([expected]);
    }

    [Fact]
    public void NavMenu_IsOneComponent_NotOnePerLink()
    {
        // The drawer is in every circuit for as long as it is open: as MudNavLinks it was 26 components (docs/ui.md).
        var nav = Render<NavMenu>(p => p.Add(c => c.User, TestUsers.WithRoles("Ivo", PortalRoles.Investigator)));

        nav.FindComponents<Microsoft.AspNetCore.Components.IComponent>().Count.ShouldBe(0);
        nav.FindAll("nav[aria-label=Main] a").Count.ShouldBe(8);
    }

    [Fact]
    public void NavMenu_LocationChanges_LightsTheNewEntry()
    {
        var navigation = Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>();
        navigation.NavigateTo("/verification");
        var nav = Render<NavMenu>(p => p.Add(c => c.User, TestUsers.WithRoles("Ivo", PortalRoles.Investigator)));

        navigation.NavigateTo("/verification/checkpoints");

        nav.WaitForAssertion(() => nav.FindAll("nav[aria-label=Main] a.active").Select(a => a.TextContent.Trim()).ShouldBe(["Checkpoints"]));
        nav.Find("a[aria-current=page]").TextContent.Trim().ShouldBe("Checkpoints");
    }

    [Fact]
    public void NavMenu_LinkChosen_TellsTheDrawer()
    {
        var drawer = new RecordingDrawer();
        var nav = Render<NavMenu>(p => p.Add(c => c.User, TestUsers.WithRoles("Ivo", PortalRoles.Investigator))
            .AddCascadingValue<MudBlazor.Interfaces.INavigationEventReceiver>(drawer));

        nav.FindAll("nav[aria-label=Main] a")[2].Click();

        drawer.Navigations.ShouldBe(1, "a responsive drawer closes its overlay when a page is chosen");
    }

    private sealed class RecordingDrawer : MudBlazor.Interfaces.INavigationEventReceiver
    {
        public int Navigations { get; private set; }

        public Task OnNavigation()
        {
            Navigations++;
            return Task.CompletedTask;
        }
    }
}

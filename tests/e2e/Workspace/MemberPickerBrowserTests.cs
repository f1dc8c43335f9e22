using AuditPortal.Tests.E2e.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>Adding a case member in Chromium: whoever signed in with a case role is offered by the picker, with their name and role.</summary>
[Collection(nameof(FakeClockChromiumPortalCollection))]
public sealed class MemberPickerBrowserTests(FakeClockChromiumPortal portal)
{
    static MemberPickerBrowserTests() => SetDefaultExpectTimeout(30_000);

    [ChromiumFact]
    public async Task Owner_PicksAUserWhoSignedIn_NameAndRoleFilled_MemberAdded()
    {
        await using (var auditor = await portal.NewSessionAsync())
        {
            await auditor.Page.GotoAsync(portal.Url("/").ToString());
            await auditor.SignInAtProviderAsync("auditor1", "auditor1-dev"); // recorded as a known user
        }
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync(portal.Url("/cases").ToString());
        await session.SignInAtProviderAsync("investigator1", "investigator1-dev");
        await session.WaitForCircuitAsync();
        await page.GetByLabel("Title").FillAsync("Members " + Guid.NewGuid().ToString("N")[..6]);
        await page.GetByLabel("Purpose or legal basis").FillAsync("Art. 6(1)(f) GDPR: fraud prevention on the account");
        await page.GetByTestId("case-open").ClickAsync();
        await Expect(page.GetByTestId("case-heading")).ToContainTextAsync("Members");
        await session.WaitForCircuitAsync();
        (await portal.Databases.CountAsync("SELECT count(*) FROM workspace.known_users WHERE subject_id = 'auditor1' AND roles = '{auditor}'")).ShouldBe(1);
        (await portal.Databases.CountAsync("SELECT count(*) FROM workspace.known_users WHERE subject_id IN ('admin1', 'norole1')")).ShouldBe(0);

        await page.GetByLabel("User (name or id)").FillAsync("ada");
        var option = page.GetByTestId("member-option").Filter(new() { HasText = "auditor1" });
        await Expect(option).ToContainTextAsync("Ada Auditor");
        await Expect(page.GetByTestId("member-option").Filter(new() { HasText = "investigator1" })).ToHaveCountAsync(0); // a member already
        await session.ScreenshotAsync("case-member-picker");
        await option.ClickAsync();
        await Expect(page.GetByTestId("member-name")).ToHaveValueAsync("Ada Auditor");
        await Expect(page.GetByTestId("add-member")).ToContainTextAsync("auditor");
        await page.GetByTestId("member-add").ClickAsync();

        await Expect(page.GetByTestId("case-members")).ToContainTextAsync("auditor1");
        await session.ScreenshotAsync("case-member-added");
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }
}

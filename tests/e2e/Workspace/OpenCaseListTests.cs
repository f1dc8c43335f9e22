using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>
/// The app bar's case list is remembered per user (OpenCaseLists), yet every change to a case shows in the next view
/// at once: opened, a member added, closed — against the real workspace database.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class OpenCaseListTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory factory = new(databases);

    public void Dispose() => factory.Dispose();

    private async Task<IReadOnlyList<string>> ListOfAsync(string user, string role)
    {
        using var scope = factory.Services.CreateScope();
        var cases = await scope.ServiceProvider.GetRequiredService<CaseService>()
            .MyOpenCasesAsync(Investigation.Principal(user, role), CancellationToken.None);
        return cases.Select(c => c.Title).ToList();
    }

    [Fact]
    public async Task CaseChanges_ShowInTheNextList_ThoughListsAreRemembered()
    {
        var investigation = new Investigation(factory);
        var owner = "owner-" + Guid.NewGuid().ToString("N")[..8];
        var auditor = "aud-" + Guid.NewGuid().ToString("N")[..8];
        (await ListOfAsync(owner, PortalRoles.Investigator)).ShouldBeEmpty(); // both lists are now remembered
        (await ListOfAsync(auditor, PortalRoles.Auditor)).ShouldBeEmpty();

        var caseId = await investigation.OpenCaseAsync(owner, title: "Remembered lists");
        (await ListOfAsync(owner, PortalRoles.Investigator)).ShouldBe(["Remembered lists"], "an opened case shows at once");

        await investigation.AddMemberAsync(owner, caseId, auditor, PortalRoles.Auditor);
        (await ListOfAsync(auditor, PortalRoles.Auditor)).ShouldBe(["Remembered lists"], "a new member sees the case at once");

        using (var scope = factory.Services.CreateScope())
        {
            var closed = await scope.ServiceProvider.GetRequiredService<CaseService>()
                .CloseAsync(Investigation.Principal(owner, PortalRoles.Investigator), caseId, CancellationToken.None);
            closed.IsOk.ShouldBeTrue(closed.Message);
        }
        (await ListOfAsync(owner, PortalRoles.Investigator)).ShouldBeEmpty("a closed case leaves the list at once");
        (await ListOfAsync(auditor, PortalRoles.Auditor)).ShouldBeEmpty();
    }
}

using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>
/// The users the member picker offers (workspace.known_users on the real portal database): recorded at sign-in with
/// their case roles only, found by id or name, and a known user can be added only in a role they signed in with.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class KnownUsersTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory factory = new(databases);

    public void Dispose() => factory.Dispose();

    private async Task RecordAsync(string user, string name, params string[] roles)
    {
        using var scope = factory.Services.CreateScope();
        var principal = PortalAuth(user, name, roles);
        await scope.ServiceProvider.GetRequiredService<KnownUsers>().RecordSignInAsync(principal, CancellationToken.None);
    }

    private static System.Security.Claims.ClaimsPrincipal PortalAuth(string user, string name, string[] roles) =>
        PortalPrincipal.Create([new("sub", user), new("preferred_username", user), new("name", name)], roles);

    private async Task<IReadOnlyList<AuditPortal.Data.Workspace.KnownUser>> SearchAsync(string? text)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<KnownUsers>().SearchAsync(text, CancellationToken.None);
    }

    [Fact]
    public async Task SignIn_RecordsCaseRolesOnly_SearchFindsByIdOrName_LosingEveryCaseRoleRemoves()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await RecordAsync($"kn-inv-{tag}", $"Kim {tag} Investigator", PortalRoles.Investigator);
        await RecordAsync($"kn-aud-{tag}", $"Kai {tag} Auditor", PortalRoles.Auditor, PortalRoles.Admin);
        await RecordAsync($"kn-adm-{tag}", $"Kit {tag} Admin", PortalRoles.Admin);

        (await SearchAsync(tag)).Select(u => (u.SubjectId, string.Join(",", u.Roles))).ShouldBe([($"kn-aud-{tag}", "auditor"), ($"kn-inv-{tag}", "investigator")]);
        (await SearchAsync($"KIM {tag.ToUpperInvariant()}")).Single().SubjectId.ShouldBe($"kn-inv-{tag}");
        (await SearchAsync("%")).ShouldBeEmpty("% is a character to find, not a wildcard");
        (await SearchAsync($"kn-_nv-{tag}")).ShouldBeEmpty("_ too");

        // The next sign-in refreshes name and roles; without a case role the user is no longer offered.
        await RecordAsync($"kn-inv-{tag}", $"Kim {tag} Renamed", PortalRoles.Investigator, PortalRoles.Auditor);
        (await SearchAsync($"kn-inv-{tag}")).Single().ShouldSatisfyAllConditions(
            u => u.DisplayName.ShouldBe($"Kim {tag} Renamed"), u => u.Roles.ShouldBe(["investigator", "auditor"]));
        await RecordAsync($"kn-aud-{tag}", $"Kai {tag} Auditor", PortalRoles.Admin);
        (await SearchAsync(tag)).Select(u => u.SubjectId).ShouldBe([$"kn-inv-{tag}"]);
    }

    [Fact]
    public async Task AddMember_KnownUserInARoleTheyDoNotHave_400_NothingStored_TypedUnknownIdStillAdded()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var investigation = new Investigation(factory);
        var owner = "knowner-" + tag;
        var caseId = await investigation.OpenCaseAsync(owner);
        await RecordAsync($"kn-aud-{tag}", $"Kai {tag} Auditor", PortalRoles.Auditor);
        using var scope = factory.Services.CreateScope();
        var cases = scope.ServiceProvider.GetRequiredService<CaseService>();
        var user = Investigation.Principal(owner, PortalRoles.Investigator);

        var refused = await cases.AddMemberAsync(user, caseId, $"kn-aud-{tag}", "Kai", PortalRoles.Investigator, CancellationToken.None);

        refused.Status.ShouldBe(GatewayStatus.BadRequest);
        refused.Message.ShouldBe($"Kai {tag} Auditor signed in as auditor, not as investigator.");
        (await databases.CountAsync("SELECT count(*) FROM workspace.case_members WHERE case_id = $1", caseId)).ShouldBe(1, "the owner only");
        (await cases.AddMemberAsync(user, caseId, $"kn-aud-{tag}", "Kai", PortalRoles.Auditor, CancellationToken.None)).IsOk.ShouldBeTrue();
        (await cases.AddMemberAsync(user, caseId, $"not-yet-{tag}", "Nia", PortalRoles.Investigator, CancellationToken.None)).IsOk.ShouldBeTrue();
        (await cases.AddMemberAsync(user, caseId, "bad\u202Eid", "Nia", PortalRoles.Auditor, CancellationToken.None)).Status.ShouldBe(GatewayStatus.BadRequest);
        (await cases.AddMemberAsync(user, caseId, $"kn-aud2-{tag}", "Kai", PortalRoles.Admin, CancellationToken.None)).Status.ShouldBe(GatewayStatus.BadRequest);
    }
}

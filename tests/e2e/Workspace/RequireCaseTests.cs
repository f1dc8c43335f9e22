using System.Net;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Gateway;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>Purpose limitation (Portal:Workspace:RequireCase): no ledger query without a case; the dashboard stays open.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RequireCaseTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory factory = new(databases, new Dictionary<string, string?> { ["Portal:Workspace:RequireCase"] = "true" });

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task RequireCase_QueryWithoutCase_400WithWhatToDo_WithACase_200()
    {
        var investigation = new Investigation(factory);
        var user = "req-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = await investigation.OpenCaseAsync(user);

        using var withoutCase = investigation.ClientIn("investigator", user, null);
        using var page = await withoutCase.GetAsync("/timeline/account/acc-000001");
        using var api = await withoutCase.GetAsync("/api/streams/account/acc-000001/events");
        using var dashboard = await withoutCase.GetAsync("/");
        using var inCase = investigation.ClientIn("investigator", user, caseId);
        using var allowed = await inCase.GetAsync("/timeline/account/acc-000001");

        page.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await page.Content.ReadAsStringAsync()).ShouldContain("Choose a case in the bar at the top first");
        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        dashboard.StatusCode.ShouldBe(HttpStatusCode.OK);
        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The query in the case is logged with the case and its purpose.
        (await databases.CountAsync(
            "SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = 'query.requested' AND payload::jsonb ->> 'kind' = 'timeline.read' AND payload::jsonb ->> 'case' = $2 AND payload::jsonb ->> 'purpose' LIKE 'Art. 6%'",
            user, caseId.ToString("D"))).ShouldBe(1);
    }

    [Fact]
    public async Task ChosenCaseNotTheCallers_403_Logged()
    {
        var investigation = new Investigation(factory);
        var someoneElsesCase = await investigation.OpenCaseAsync("owner-" + Guid.NewGuid().ToString("N")[..8]);
        var user = "intruder-" + Guid.NewGuid().ToString("N")[..8];
        using var client = investigation.ClientIn("auditor", user, someoneElsesCase);

        using var response = await client.GetAsync("/timeline/account/acc-000001");

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).ShouldContain("is not one of yours");
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = 'query.refused'", user)).ShouldBe(1);
    }

    [Fact]
    public async Task ClosedCase_QueriesRefused_ItsGrantsRevealNothing()
    {
        var investigation = new Investigation(factory);
        var user = "closer-" + Guid.NewGuid().ToString("N")[..8];
        var principal = Investigation.Principal(user, PortalRoles.Investigator);
        var caseId = await investigation.OpenCaseAsync(user);
        var stream = new AuditPortal.Verification.Ledger.StreamKey("account", "acc-000001");
        var page = await investigation.PageAsync(principal, caseId, stream);
        page.IsOk.ShouldBeTrue(page.Message);
        if (page.Redaction.FieldsBySubject.Keys.FirstOrDefault(s => !page.Redaction.Erased.ContainsKey(s)) is { } subject)
            (await investigation.GrantAsync(principal, caseId, stream, subject)).IsOk.ShouldBeTrue();

        using (var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(factory.Services))
        {
            var closed = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<CaseService>(scope.ServiceProvider)
                .CloseAsync(principal, caseId, CancellationToken.None);
            closed.IsOk.ShouldBeTrue(closed.Message);
        }
        var after = await investigation.PageAsync(principal, caseId, stream);

        after.Status.ShouldBe(GatewayStatus.Forbidden);
        after.Message.ShouldBe("The case chosen at the top is closed. Choose an open case.");
        after.Redaction.Revealed.ShouldBeEmpty();
    }

    [Fact]
    public async Task Admin_WithAStaleCaseCookie_DashboardStillOpen()
    {
        var investigation = new Investigation(factory);
        var someCase = await investigation.OpenCaseAsync("owner-" + Guid.NewGuid().ToString("N")[..8]);
        using var admin = investigation.ClientIn("admin", "admin-" + Guid.NewGuid().ToString("N")[..8], someCase);

        using var response = await admin.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

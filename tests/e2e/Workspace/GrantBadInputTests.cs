using System.Net;
using System.Security.Claims;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Schema;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>
/// Bad input to justified unmasking (issue 14): each gets a clear message and the right status, and nothing is
/// half-written — no grant row, and no access-log entry for what was refused before logging.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GrantBadInputTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory factory = new(databases);

    public void Dispose() => factory.Dispose();

    private static string NewUser(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Task<long> GrantRowsAsync(Guid caseId) =>
        databases.CountAsync("SELECT count(*) FROM workspace.unmask_grants WHERE case_id = $1", caseId);

    private Task<long> GrantRequestsAsync(string user) =>
        databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = $2 AND payload::jsonb ->> 'kind' = 'unmask.grant'",
            user, AccessLogEvents.RequestedAction);

    private Task<StreamKey> StreamAsync() => Investigation.EncryptedStreamAsync(databases);

    private async Task<(Investigation Investigation, string User, ClaimsPrincipal Principal, Guid Case, AuditPortal.Portal.Redaction.RedactionSummary Page)> SetUpAsync()
    {
        var investigation = new Investigation(factory);
        var user = NewUser("bad");
        var principal = Investigation.Principal(user, PortalRoles.Investigator);
        var caseId = await investigation.OpenCaseAsync(user);
        var page = await investigation.PageAsync(principal, caseId, await StreamAsync());
        page.IsOk.ShouldBeTrue(page.Message);
        return (investigation, user, principal, caseId, page.Redaction);
    }

    public static TheoryData<string, string> BadReasons => new()
    {
        { "", "at least 10 characters" },
        { "too short", "at least 10 characters" },
        { new string('x', 10_000), "at most 1000 characters" },
        { "check the\u0007 holder please", "control characters" },
        { "check \u202Eredloh\u202C the holder", "invisible text-direction characters" },
        { "12345678901234", "in words" },
    };

    [Theory]
    [MemberData(nameof(BadReasons))]
    public async Task Grant_BadReason_400WithTheRule_NothingLoggedOrStored(string reason, string rule)
    {
        var (investigation, user, principal, caseId, page) = await SetUpAsync();

        var result = await investigation.GrantOnPageAsync(principal, caseId, new GrantRequest(page.FieldsBySubject.Keys.First(), null, reason, TimeSpan.FromHours(1)), page);

        result.Status.ShouldBe(GatewayStatus.BadRequest);
        result.StatusCode.ShouldBe(400);
        result.Message.ShouldNotBeNull().ShouldContain(rule);
        (await GrantRowsAsync(caseId)).ShouldBe(0);
        (await GrantRequestsAsync(user)).ShouldBe(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9 * 60)]
    public async Task Grant_DurationOutOfRange_400(int minutes)
    {
        var (investigation, _, principal, caseId, page) = await SetUpAsync();

        var result = await investigation.GrantOnPageAsync(principal, caseId,
            new GrantRequest(page.FieldsBySubject.Keys.First(), null, "Disputed tax form: confirm the holder", TimeSpan.FromMinutes(minutes)), page);

        result.Status.ShouldBe(GatewayStatus.BadRequest);
        result.Message.ShouldNotBeNull().ShouldContain("A grant lasts from 1 minute(s) to 8 hour(s)");
        (await GrantRowsAsync(caseId)).ShouldBe(0);
    }

    [Fact]
    public async Task Grant_SubjectNotOnThePage_400_NothingLoggedOrStored()
    {
        var (investigation, user, principal, caseId, page) = await SetUpAsync();

        var result = await investigation.GrantOnPageAsync(principal, caseId, new GrantRequest("subj-not-on-this-page", null, "Disputed tax form: confirm the holder", TimeSpan.FromHours(1)), page);

        result.Status.ShouldBe(GatewayStatus.BadRequest);
        result.Message.ShouldBe("That data subject is not on this page; reveal only what the page shows.");
        (await GrantRowsAsync(caseId)).ShouldBe(0);
        (await GrantRequestsAsync(user)).ShouldBe(0);
    }

    [Fact]
    public async Task Grant_CaseNotTheCallers_403_LoggedAsRefused_NotStored()
    {
        var (investigation, user, principal, _, page) = await SetUpAsync();
        var someoneElsesCase = await investigation.OpenCaseAsync(NewUser("other"));

        var result = await investigation.GrantOnPageAsync(principal, someoneElsesCase, new GrantRequest(page.FieldsBySubject.Keys.First(), null, "Disputed tax form: confirm the holder", TimeSpan.FromHours(1)), page);

        result.Status.ShouldBe(GatewayStatus.Forbidden);
        result.Message.ShouldBe("That case is not one of yours.");
        (await GrantRowsAsync(someoneElsesCase)).ShouldBe(0);
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = $2", user, AccessLogEvents.RefusedAction)).ShouldBe(1);
    }

    [Fact]
    public async Task Grant_SessionEndedWhileTheDialogWasOpen_403_NothingLoggedOrStored()
    {
        var (investigation, user, _, caseId, page) = await SetUpAsync();
        var signedOut = new ClaimsPrincipal(new ClaimsIdentity());

        var result = await investigation.GrantOnPageAsync(signedOut, caseId, new GrantRequest(page.FieldsBySubject.Keys.First(), null, "Disputed tax form: confirm the holder", TimeSpan.FromHours(1)), page);

        result.Status.ShouldBe(GatewayStatus.Forbidden);
        result.Message.ShouldBe("Your session has ended. Sign in again; nothing was changed.");
        (await GrantRowsAsync(caseId)).ShouldBe(0);
        (await GrantRequestsAsync(user)).ShouldBe(0);
    }

    [Fact]
    public async Task Grant_AccessLogDown_503_NothingStoredNothingRevealed()
    {
        var (investigation, _, principal, caseId, page) = await SetUpAsync();
        var subject = page.FieldsBySubject.Keys.First();
        var superuser = databases.Primary(databases.PortalDb);
        await LedgerDatabasesFixture.ExecuteAsync(superuser, $"REVOKE INSERT ON ledger.events FROM {LedgerRoles.AccessLog.Writer}");
        GatewayResult<AuditPortal.Data.Workspace.UnmaskGrant> result;
        try
        {
            result = await investigation.GrantOnPageAsync(principal, caseId, new GrantRequest(subject, null, "Disputed tax form: confirm the holder", TimeSpan.FromHours(1)), page);
        }
        finally
        {
            await LedgerDatabasesFixture.ExecuteAsync(superuser, $"GRANT INSERT ON ledger.events TO {LedgerRoles.AccessLog.Writer}");
        }

        result.Status.ShouldBe(GatewayStatus.AccessLogUnavailable);
        result.StatusCode.ShouldBe((int)HttpStatusCode.ServiceUnavailable);
        result.Message.ShouldBe(QueryGateway.ChangeNotLoggedMessage);
        (await GrantRowsAsync(caseId)).ShouldBe(0);
        var after = await investigation.PageAsync(principal, caseId, await StreamAsync());
        after.IsOk.ShouldBeTrue(after.Message);
        after.Redaction.Revealed.ShouldBeEmpty();
    }

    [Fact]
    public async Task Revoke_TwoTabsAtOnce_OneRevokesTheOtherIsToldItEnded_NothingRevealedAfter()
    {
        var (investigation, _, principal, caseId, _) = await SetUpAsync();
        var stream = await StreamAsync();
        var grant = await investigation.GrantAsync(principal, caseId, stream);
        grant.IsOk.ShouldBeTrue(grant.Message);
        (await investigation.PageAsync(principal, caseId, stream)).Redaction.Revealed.ShouldNotBeEmpty();

        var both = await Task.WhenAll(
            investigation.RevokeAsync(principal, caseId, grant.Value!.Id),
            investigation.RevokeAsync(principal, caseId, grant.Value.Id));

        both.Count(r => r.IsOk).ShouldBe(1);
        var second = both.Single(r => !r.IsOk);
        second.Status.ShouldBe(GatewayStatus.BadRequest);
        second.Message.ShouldBe("That grant has already ended (revoked or expired).");
        (await investigation.PageAsync(principal, caseId, stream)).Redaction.Revealed.ShouldBeEmpty();
        (await databases.CountAsync("SELECT count(*) FROM workspace.unmask_grants WHERE id = $1 AND revoked_at IS NOT NULL", grant.Value.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task Revoke_SomeoneElsesGrant_403()
    {
        var (investigation, _, principal, caseId, _) = await SetUpAsync();
        var grant = await investigation.GrantAsync(principal, caseId, await StreamAsync());
        var intruder = Investigation.Principal(NewUser("intruder"), PortalRoles.Investigator);

        var result = await investigation.RevokeAsync(intruder, caseId, grant.Value!.Id);

        result.Status.ShouldBe(GatewayStatus.Forbidden);
        result.Message.ShouldBe("That grant is not one of yours.");
    }
}

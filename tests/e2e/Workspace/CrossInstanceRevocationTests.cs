using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Verification.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>
/// A revocation on one portal instance reaches the open pages of another at once (issue 14): two portal hosts on
/// the same databases, the grant revoked on the first, the second's <see cref="GrantRevocations"/> told through
/// PostgreSQL's LISTEN/NOTIFY — and a revocation that is refused tells nobody.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CrossInstanceRevocationTests(LedgerDatabasesFixture databases) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly GatewayPortalFactory first = new(databases);
    private readonly GatewayPortalFactory second = new(databases);

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task RevokeOnOneInstance_TellsTheOthersOpenPages_AndARefusedRevocationTellsNobody()
    {
        var investigation = new Investigation(first);
        var user = "xrevoke-" + Guid.NewGuid().ToString("N")[..8];
        var principal = Investigation.Principal(user, PortalRoles.Investigator);
        var caseId = await investigation.OpenCaseAsync(user);
        var stream = await Investigation.EncryptedStreamAsync(databases);
        var grant = await investigation.GrantAsync(principal, caseId, stream);
        grant.IsOk.ShouldBeTrue(grant.Message);

        var listener = second.Services.GetRequiredService<GrantRevocationListener>();
        await listener.Listening.WaitAsync(Patience);
        var toldSecond = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var toldAny = new List<Guid>();
        second.Services.GetRequiredService<GrantRevocations>().Revoked += id =>
        {
            lock (toldAny)
                toldAny.Add(id);
            if (id == grant.Value!.Id)
                toldSecond.TrySetResult(id);
        };

        var intruder = Investigation.Principal("intruder-" + Guid.NewGuid().ToString("N")[..8], PortalRoles.Investigator);
        (await investigation.RevokeAsync(intruder, caseId, grant.Value!.Id)).IsOk.ShouldBeFalse();
        (await investigation.RevokeAsync(principal, caseId, grant.Value.Id)).IsOk.ShouldBeTrue();

        (await toldSecond.Task.WaitAsync(Patience)).ShouldBe(grant.Value.Id);
        lock (toldAny)
            toldAny.ShouldBe([grant.Value.Id], "the refused revocation sent nothing, and the one that committed was told once");
    }
}

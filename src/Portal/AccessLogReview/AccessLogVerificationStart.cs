using System.Security.Claims;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Verification;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// Starts a verification run of the whole access log: the gateway logs <see cref="QueryKinds.AccessLogVerify"/> and
/// reads the access log's size (the rows the run covers); then the coordinator runs the ledger verifier over the
/// access log's standby with its own key and witness. The run, its live feed and its findings are the ledger's
/// (the run page, <c>FindingTable</c>); a finding links to the access-log entry.
/// </summary>
public sealed class AccessLogVerificationStart(QueryGateway gateway, VerificationCoordinator coordinator)
{
    public async Task<(GatewayResult<long?> Gateway, StartResult? Start)> StartAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var answer = await gateway.RunOnAccessLogAsync(QueryKinds.AccessLogVerify, user, new { scope = "access-log" }, async (context, token) =>
            QueryAnswer.Of<long?>(await context.Reader.SizeAsync(token), []), ct);
        if (!answer.IsOk)
            return (answer, null);
        return (answer, await coordinator.StartAsync(RunScope.AccessLog, RunStarter.Of(user), answer.Value, answer.AccessLogSeq, ct));
    }
}

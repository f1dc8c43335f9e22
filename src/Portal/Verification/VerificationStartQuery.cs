using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;

namespace AuditPortal.Portal.Verification;

/// <summary>What the gateway answers for a start: the ledger head and the rows the run will cover.</summary>
public sealed record VerificationTarget(long HeadSeq, long? TotalRows) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];
}

/// <summary>
/// Starts a run through the query gateway: the gateway authorizes <see cref="QueryKinds.VerificationStart"/>,
/// appends the access-log entry (scope as parameters; refuses when the log cannot be written), reads
/// the head the run targets on the standby and records the outcome; only then does the coordinator
/// start the run, which streams the rows over the same read-only reader role.
/// </summary>
public sealed class VerificationStartQuery(QueryGateway gateway, VerificationCoordinator coordinator)
{
    public async Task<(GatewayResult<VerificationTarget> Gateway, StartResult? Start)> StartAsync(RunScope scope, ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var parameters = new JsonObject
        {
            ["scope"] = scope.Kind.ToString().ToLowerInvariant(),
            ["from"] = scope.From,
            ["to"] = scope.To,
            ["stream_type"] = scope.Stream?.Type,
            ["stream_id"] = scope.Stream?.Id,
        };
        var answer = await gateway.RunAsync(QueryKinds.VerificationStart, user, parameters, purpose: null, async (session, token) =>
        {
            // The gateway's snapshot (REPEATABLE READ) already holds the head it recorded in the request entry.
            var head = session.LedgerSize;
            var total = await RunTotal.OfAsync(session.Connection, session.Transaction, scope, head, token);
            return QueryAnswer.Of(new VerificationTarget(head, total), []);
        }, ct);
        if (!answer.IsOk)
            return (answer, null);
        var start = await coordinator.StartAsync(scope, RunStarter.Of(user), answer.Value.TotalRows, answer.AccessLogSeq, ct);
        return (answer, start);
    }
}

using System.Security.Claims;
using AuditPortal.Data.AccessLog.Anomalies;
using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>The flags page's view: the rules with their thresholds, the flags, and how far the monitor has evaluated.</summary>
public sealed record AnomalyFlagsView(
    IReadOnlyList<AnomalyFlag> Flags, IReadOnlyList<(string Id, int Version, string Description)> Rules, long EvaluatedUpToSeq, DateTime? EvaluatedAt);

/// <summary>Reading the flags is an admin's review of the access log: one <see cref="QueryKinds.AccessLogRead"/> gateway call.</summary>
public sealed class AnomalyFlagsQuery(QueryGateway gateway, AnomalyFlags flags)
{
    public Task<GatewayResult<AnomalyFlagsView>> LoadAsync(ClaimsPrincipal user, CancellationToken ct) =>
        gateway.RunOnAccessLogAsync(QueryKinds.AccessLogRead, user, new { view = "anomaly-flags" }, (_, _) =>
        {
            var (list, rules) = flags.Snapshot();
            var (seq, at) = flags.EvaluatedUpTo;
            var view = new AnomalyFlagsView(list, rules, seq, seq == 0 ? null : at);
            return Task.FromResult(QueryAnswer.Of(view, list.Select(f => f.Key).ToList()));
        }, ct);
}

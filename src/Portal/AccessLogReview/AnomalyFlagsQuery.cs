using System.Security.Claims;
using AuditPortal.Data.AccessLog.Anomalies;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>The flags page's view: the rules with their thresholds, the flags with their acknowledgements, and how far the monitor has evaluated.</summary>
public sealed record AnomalyFlagsView(
    IReadOnlyList<AnomalyFlag> Flags, IReadOnlyDictionary<string, ReviewAcknowledgement> Acknowledgements,
    IReadOnlyList<(string Id, int Version, string Description)> Rules, long EvaluatedUpToSeq, DateTime? EvaluatedAt);

/// <summary>
/// Reading the flags is an admin's review of the access log (<see cref="QueryKinds.AccessLogRead"/>); acknowledging one
/// with a note is <see cref="QueryKinds.AccessLogAcknowledge"/>: its access-log entry is committed before the workspace
/// row that names it (DESIGN §8), and an acknowledgement whose row cannot be written is logged as failed.
/// </summary>
public sealed class AnomalyFlagsQuery(QueryGateway gateway, AnomalyFlags flags, IDbContextFactory<WorkspaceDbContext> workspace, TimeProvider time)
{
    public Task<GatewayResult<AnomalyFlagsView>> LoadAsync(ClaimsPrincipal user, CancellationToken ct) =>
        gateway.RunOnAccessLogAsync(QueryKinds.AccessLogRead, user, new { view = "anomaly-flags" }, async (_, token) =>
        {
            var (list, rules) = flags.Snapshot();
            var (seq, at) = flags.EvaluatedUpTo;
            var keys = list.Select(f => f.Key).ToList();
            await using var db = await workspace.CreateDbContextAsync(token);
            var acks = await db.ReviewAcknowledgements.AsNoTracking().Where(a => keys.Contains(a.FlagKey)).ToDictionaryAsync(a => a.FlagKey, token);
            var view = new AnomalyFlagsView(list, acks, rules, seq, seq == 0 ? null : at);
            return QueryAnswer.Of(view, keys);
        }, ct);

    /// <summary>Acknowledges <paramref name="flag"/> with <paramref name="note"/>; a 400 for an empty, over-long or control-character note.</summary>
    public async Task<GatewayResult<ReviewAcknowledgement>> AcknowledgeAsync(ClaimsPrincipal user, AnomalyFlag flag, string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flag);
        // The same text rule as a stated purpose: 1–1000 characters, no control characters.
        if (!QueryPurpose.TryStated(note, out var checkedNote, out var problem))
            return new GatewayResult<ReviewAcknowledgement>(GatewayStatus.BadRequest, null, problem!.Replace("A purpose", "A note", StringComparison.Ordinal), null);
        return await gateway.RunOnAccessLogAsync(QueryKinds.AccessLogAcknowledge, user,
            new { flag = flag.Key, rule = flag.RuleId, rule_version = flag.RuleVersion, user = flag.SubjectId, note = checkedNote!.Text },
            async (context, token) =>
            {
                var row = new ReviewAcknowledgement
                {
                    Id = Guid.CreateVersion7(time.GetUtcNow()),
                    FlagKey = flag.Key,
                    RuleId = flag.RuleId,
                    RuleVersion = flag.RuleVersion,
                    FlaggedSubject = flag.SubjectId,
                    AcknowledgedBy = user.FindFirst("sub")?.Value ?? user.UserName() ?? "unknown",
                    AcknowledgedAt = time.GetUtcNow(),
                    Note = checkedNote.Text,
                    AccessLogSeq = context.RequestSeq,
                };
                await using var db = await workspace.CreateDbContextAsync(token);
                db.ReviewAcknowledgements.Add(row);
                await db.SaveChangesAsync(token);
                return QueryAnswer.Of(row, ["flag:" + flag.Key]);
            }, ct);
    }
}

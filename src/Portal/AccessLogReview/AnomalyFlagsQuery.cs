using System.Security.Claims;
using AuditPortal.Data.AccessLog.Anomalies;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Data.AccessLog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// The flags page's view: the rules with their thresholds, one page of flags (newest first) with their acknowledgements
/// and the next page's cursor, and how far the monitor has evaluated.
/// </summary>
public sealed record AnomalyFlagsView(
    IReadOnlyList<AnomalyFlag> Flags, IReadOnlyDictionary<string, ReviewAcknowledgement> Acknowledgements,
    IReadOnlyList<(string Id, int Version, string Description)> Rules, long EvaluatedUpToSeq, DateTime? EvaluatedAt, long? NextBeforeId);

/// <summary>
/// Reading the flags is an admin's review of the access log (<see cref="QueryKinds.AccessLogRead"/>); acknowledging one
/// with a note is <see cref="QueryKinds.AccessLogAcknowledge"/>: its access-log entry is committed before the workspace
/// row that names it (DESIGN §8), and an acknowledgement whose row cannot be written is logged as failed.
/// </summary>
public sealed class AnomalyFlagsQuery(QueryGateway gateway, PortalDatabases databases, IOptions<AnomalyMonitorOptions> monitorOptions,
    IDbContextFactory<WorkspaceDbContext> workspace, TimeProvider time)
{
    /// <summary>Flags per page.</summary>
    public const int PageSize = 100;

    /// <summary>One page of the persisted flags, newest first, below the cursor <paramref name="beforeId"/> (null: the newest).</summary>
    public Task<GatewayResult<AnomalyFlagsView>> LoadAsync(ClaimsPrincipal user, long? beforeId, CancellationToken ct) =>
        gateway.RunOnAccessLogAsync(QueryKinds.AccessLogRead, user, new { view = "anomaly-flags", before = beforeId }, async (_, token) =>
        {
            var store = databases.AnomalyFlags ?? throw new AccessLogUnavailableException("the portal database is not configured");
            var page = await store.PageAsync(beforeId, PageSize, token);
            // The rules as configured (ids, versions, thresholds): the same engine the monitor builds.
            var engine = new AnomalyEngine(monitorOptions.Value.Rules, _ => false);
            var evaluated = await store.EvaluatedUpToAsync(engine.ConfigurationKey, token);
            var list = page.Flags.Select(f => f.Flag).ToList();
            var keys = list.Select(f => f.Key).ToList();
            await using var db = await workspace.CreateDbContextAsync(token);
            var acks = await db.ReviewAcknowledgements.AsNoTracking().Where(a => keys.Contains(a.FlagKey)).ToDictionaryAsync(a => a.FlagKey, token);
            var rules = engine.Rules.Select(r => (r.Id, r.Version, r.Description)).ToList();
            var view = new AnomalyFlagsView(list, acks, rules, evaluated?.EvaluatedSeq ?? 0, evaluated?.EvaluatedAt, page.NextBeforeId);
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

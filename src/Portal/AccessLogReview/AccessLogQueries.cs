using System.Security.Claims;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Proofs;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Verification;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// The admins' access-log review, each view one gateway call: browsing (<see cref="QueryKinds.AccessLogRead"/>, on
/// the access log), one entry, and "what did they see" (<see cref="QueryKinds.AccessLogReplay"/>, on the ledger).
/// </summary>
public sealed class AccessLogQueries(QueryGateway gateway, PortalDatabases databases, DashboardQuery dashboard, ProofQuery proofs, CheckpointKeySource keys,
    TiledProofSource tiles, TimeProvider time)
{
    /// <summary>Days of activity shown on a user's or a case's page.</summary>
    public const int ActivityDays = 60;

    /// <summary>A page of entries; with the activity summary when <paramref name="withActivity"/> (the per-user and per-case views).</summary>
    public Task<GatewayResult<AccessLogBrowseView>> BrowseAsync(ClaimsPrincipal user, AccessLogCriteria criteria, bool withActivity, CancellationToken ct) =>
        gateway.RunOnAccessLogAsync(QueryKinds.AccessLogRead, user, criteria.Canonical, async (context, token) =>
        {
            var filter = criteria.ToFilter();
            var page = await context.Reader.SearchAsync(filter, criteria.PageSize, criteria.BeforeSeq, token);
            var activity = withActivity ? await context.Reader.ActivityAsync(filter, ActivityDays, token) : null;
            return QueryAnswer.Of(new AccessLogBrowseView(criteria, page, activity), RecordIds(page.Items));
        }, ct);

    /// <summary>One entry by its chain position; the view is null when that seq is not a query request.</summary>
    public Task<GatewayResult<AccessLogEntryView?>> EntryAsync(ClaimsPrincipal user, long seq, CancellationToken ct) =>
        gateway.RunOnAccessLogAsync(QueryKinds.AccessLogRead, user, new { entry = seq }, async (context, token) =>
        {
            var item = await context.Reader.GetBySeqAsync(seq, token);
            if (item is null)
                return QueryAnswer.Of<AccessLogEntryView?>(null, []);
            var head = await context.Reader.HeadAsync(token);
            return QueryAnswer.Of<AccessLogEntryView?>(new AccessLogEntryView(item, head.Size), RecordIds([item]));
        }, ct);

    /// <summary>
    /// Re-runs the query logged at <paramref name="seq"/> on the ledger as it stood (its recorded size) and compares
    /// digests. The outcome of this call logs the re-run's own row count and digest.
    /// </summary>
    public Task<GatewayResult<WhatTheySawView>> WhatTheySawAsync(ClaimsPrincipal user, long seq, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.AccessLogReplay, user, new { entry = seq }, purpose: null, async (session, token) =>
        {
            var reader = databases.AccessLogReader ?? throw new AccessLogUnavailableException("ConnectionStrings:AccessLog is not set");
            return await ReplayableQueries.ReplayAsync(await reader.GetBySeqAsync(seq, token), session, new ReplayServices(dashboard, proofs, keys, tiles, time), token);
        }, ct);

    /// <summary>The record ids of an access-log read: the request events' ids (with their completions').</summary>
    private static List<string> RecordIds(IEnumerable<AccessLogItem> items) =>
        items.SelectMany(i => i.Completion is { } c ? new[] { i.EventId, c.EventId } : [i.EventId]).Select(id => id.ToString("D")).ToList();
}

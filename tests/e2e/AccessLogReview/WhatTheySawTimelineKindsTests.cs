using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Schema;
using AuditPortal.Portal.AccessLogReview;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Timeline;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Tests.E2e.Verification;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditPortal.Tests.E2e.AccessLogReview;

/// <summary>
/// "What did they see?" for the timeline pages' kinds (entity.search in both modes, asof.read, asof.diff): real
/// queries made through the pages match after the ledger grew, and a forged digest is a mismatch. A ledger of
/// its own, because the test appends to it.
/// </summary>
public sealed class WhatTheySawTimelineKindsTests(TamperableLedger ledger) : IClassFixture<TamperableLedger>, IDisposable
{
    private readonly GatewayPortalFactory portal = new(ledger.Databases, new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false" });

    [Fact]
    public async Task RealQueriesOfEachKind_Match_AfterAppends_ForgedDigestIsAMismatch()
    {
        await ledger.AppendAsync(2, "rerun");
        // The as-of page's default point is now, to the whole second; the events just appended were recorded within
        // this second, so the state "as of now" would not know them until the clock passes into the next one.
        var appendedBy = DateTime.UtcNow;
        while (DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond <= appendedBy.Ticks / TimeSpan.TicksPerSecond)
            await Task.Delay(20); // poll interval; the condition (the clock's second) decides
        var auditor = "aud-" + Guid.NewGuid().ToString("N")[..8];
        (string Url, string Kind)[] pages =
        [
            ("/timeline?type=rerun", "entity.search"),
            ("/timeline?type=rerun&from=2000-01-01T00:00:00Z", "entity.search"),
            ("/timeline/rerun/e-1/as-of", "asof.read"),
            ("/timeline/rerun/e-1/diff?t1=2000-01-01T00:00:00Z&k1=2000-01-01T00:00:00Z", "asof.diff"),
        ];
        var requests = await AccessLogReplay.OpenAsync(portal, ledger.Databases, auditor, pages);

        // The ledger grows after the queries: new events in both streams and a new stream.
        await ledger.AppendAsync(3, "rerun");

        var admin = "adm-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (seq, kind) in requests)
        {
            var view = await WhatTheySawAsync(admin, seq);
            view.Verdict.ShouldBe(ReplayVerdict.Match, $"{kind}: {view.Explanation}");
            view.ReplayedRows.ShouldBe(view.LoggedRows);
            view.ReplayedRows.ShouldNotBe(0L, kind);
        }
        // As it stood: two entities, not the three there are now.
        var entities = await WhatTheySawAsync(admin, requests[0].Seq);
        entities.Result.ShouldBeOfType<SearchView>().Streams!.Items.Count.ShouldBe(2);
        // The as-of state is the one then, masked like any admin read.
        var asOf = await WhatTheySawAsync(admin, requests[2].Seq);
        asOf.Result.ShouldBeOfType<AsOfView>().Listing.AppliedCount.ShouldBe(1);

        // A forged entry: the as-of query with its ledger size, but the digest of other records.
        var forger = "forged-" + Guid.NewGuid().ToString("N")[..8];
        var original = asOf.Entry!;
        await using (var writer = new AccessLogWriter(NpgsqlDataSource.Create(ledger.Databases.Primary(ledger.Databases.PortalDb, LedgerRoles.AccessLog.Writer)),
            TimeProvider.System, new AccessLogWriterOptions { Deployment = "test" }))
        {
            var entry = new AccessLogEntry
            {
                RequestId = Guid.NewGuid().ToString("D"), SubjectId = forger, DisplayName = forger, Roles = [PortalRoles.Auditor],
                Kind = original.Kind, Parameters = (JsonObject)original.Parameters.DeepClone(), RequestedAt = DateTime.UtcNow, LedgerSize = original.LedgerSize,
            };
            var request = await writer.AppendAsync(entry);
            await writer.AppendCompletionAsync(AccessLogCompletion.For(entry, request.EventId, AccessLogOutcome.Completed, 1,
                RecordDigest.Compute(["00000000-0000-0000-0000-000000000001"]), TimeSpan.FromMilliseconds(5), DateTime.UtcNow));
        }
        await WaitForCompletionsAsync(forger, 1);
        var forged = await WhatTheySawAsync(admin, (await RequestsOfAsync(forger))[0].Seq);
        forged.Verdict.ShouldBe(ReplayVerdict.Mismatch, forged.Explanation);
        forged.ReplayedDigest.ShouldBe(asOf.ReplayedDigest);
    }

    private Task<WhatTheySawView> WhatTheySawAsync(string admin, long seq) => AccessLogReplay.WhatTheySawAsync(portal, admin, seq);

    private Task WaitForCompletionsAsync(string user, int count) => AccessLogReplay.WaitForCompletionsAsync(ledger.Databases, user, count);

    private Task<List<(long Seq, string Kind)>> RequestsOfAsync(string user) => AccessLogReplay.RequestsOfAsync(ledger.Databases, user);

    public void Dispose() => portal.Dispose();
}

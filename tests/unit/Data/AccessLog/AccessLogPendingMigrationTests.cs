using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Schema;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Data.AccessLog;

/// <summary>An access log written before the portal migrations (no pending trigger yet), migrated afterwards.</summary>
public sealed class UnmigratedAccessLogFixture() : PostgresFixture(LedgerRoles.AccessLog);

/// <summary>PortalMigrations/V004 marks the requests already logged without an outcome, and only those.</summary>
public sealed class AccessLogPendingMigrationTests(UnmigratedAccessLogFixture db) : IClassFixture<UnmigratedAccessLogFixture>
{
    [Fact]
    public async Task V004_ExistingLog_MarksExactlyThePendingRequests_ThenTheTriggerKeepsThem()
    {
        var pending = new List<long>();
        await using (var writer = AccessLogTestData.Writer(db))
        {
            for (var n = 0; n < 12; n++)
            {
                var entry = AccessLogTestData.Entry(n, secondsAfterStart: 60 * n);
                var request = await writer.AppendAsync(entry);
                if (n % 3 == 1)
                    pending.Add(request.Seq);
                else
                    await writer.AppendCompletionAsync(AccessLogTestData.Completed(entry, request));
            }
        }

        await PortalMigrator.MigrateAsync(db.SuperuserConnectionString, LedgerRoles.AccessLog);

        (await db.ScalarAsync<string>("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM portal.access_log_pending"))
            .ShouldBe(string.Join(',', pending));
        var reader = AccessLogTestData.Reader(db, out var connections);
        await using (connections)
        {
            (await reader.SearchAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending }, 50)).Items.Select(i => i.Seq)
                .ShouldBe(pending.OrderDescending());

            // From now on the trigger keeps them: a new pending request is listed first.
            await using var writer = AccessLogTestData.Writer(db);
            var late = await writer.AppendAsync(AccessLogTestData.Entry(100, secondsAfterStart: 6000));
            (await reader.SearchAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending }, 1)).Items.Single().Seq.ShouldBe(late.Seq);
        }
    }
}

using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Schema;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Data.AccessLog;

/// <summary>PortalMigrations/V005 takes the ledger's text search (V003's search_text and its trigram index) off the access log.</summary>
public sealed class AccessLogTextSearchRemovedTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>
{
    [Fact]
    public async Task V005_AccessLogHasNoSearchTextNorItsIndex_RestoreBuildsNoneBack_AppendsAndReadsStillWork()
    {
        const string column = $"SELECT count(*) FROM pg_attribute WHERE attrelid = 'ledger.events'::regclass AND attname = '{LedgerBulkLoad.SearchTextColumn}' AND NOT attisdropped";
        const string index = "SELECT count(*) FROM pg_class WHERE relname = 'events_search_text_idx'";
        (await db.ScalarAsync<long>(column)).ShouldBe(0);
        (await db.ScalarAsync<long>(index)).ShouldBe(0);

        // ledger init/seed's restore of the secondary indexes must not try to build the trigram index on a missing column.
        (await LedgerBulkLoad.RestoreAsync(db.SuperuserConnectionString)).ShouldBe(0);
        (await db.ScalarAsync<long>(index)).ShouldBe(0);

        await AccessLogTestData.EmptyAsync(db);
        await db.ExecuteAsync("DELETE FROM portal.access_log_pending");
        AppendedRequest logged;
        await using (var writer = AccessLogTestData.Writer(db))
        {
            var entry = AccessLogTestData.Entry(1);
            logged = new(await AccessLogTestData.LogQueryAsync(writer, entry), entry);
        }
        var reader = AccessLogTestData.Reader(db, out var connections);
        await using (connections)
        {
            var item = await reader.GetBySeqAsync(logged.Request.Seq);
            item.ShouldNotBeNull();
            item.Kind.ShouldBe(logged.Entry.Kind);
            item.Completion.ShouldNotBeNull();
        }
    }

    private sealed record AppendedRequest(AuditPortal.Data.Appending.AppendedEvent Request, AccessLogEntry Entry);
}

using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Appending;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Data;

public sealed class IdempotencyTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private LedgerAppender NewAppender() =>
        new(db.DataSource(db.WriterConnectionString), new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions());

    [Fact]
    public async Task AppendAsync_RetriedKey_AppendsOnceAndReturnsTheFirstEvent()
    {
        await using var appender = NewAppender();
        var first = await appender.AppendAsync([LedgerTestData.Event("idem-1", 1, "key-retry")]);
        var retry = await appender.AppendAsync([LedgerTestData.Event("idem-1", 1, "key-retry"), LedgerTestData.Event("idem-1", 2)]);

        first[0].AlreadyPresent.ShouldBeFalse();
        retry[0].ShouldBe(first[0] with { AlreadyPresent = true });
        retry[1].AlreadyPresent.ShouldBeFalse();
        retry[1].StreamSeq.ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events WHERE idempotency_key = 'key-retry'")).ShouldBe(1);
    }

    [Fact]
    public async Task AppendAsync_DuplicateKeyWithinBatch_AppendsOnce()
    {
        await using var appender = NewAppender();
        var results = await appender.AppendAsync(
            [LedgerTestData.Event("idem-2", 1, "key-dup"), LedgerTestData.Event("idem-2", 2), LedgerTestData.Event("idem-2", 1, "key-dup")]);

        results[0].AlreadyPresent.ShouldBeFalse();
        results[2].ShouldBe(results[0] with { AlreadyPresent = true });
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events WHERE stream_id = 'idem-2'")).ShouldBe(2);
    }

    [Fact]
    public async Task AppendAsync_SameKeyFromEightConcurrentAppenders_AppendsOnce()
    {
        var appenders = Enumerable.Range(0, 8).Select(_ => NewAppender()).ToList();
        var results = await Task.WhenAll(appenders.Select(a => Task.Run(() =>
            a.AppendAsync([LedgerTestData.Event("idem-3", 1, "key-race")]))));

        results.Count(r => !r[0].AlreadyPresent).ShouldBe(1);
        results.Select(r => r[0].EventId).Distinct().Count().ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events WHERE stream_id = 'idem-3'")).ShouldBe(1);
        foreach (var a in appenders)
            await a.DisposeAsync();
    }
}

using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Appending;
using AuditPortal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AuditPortal.Tests.Data;

/// <summary>
/// Seeding throughput of one appender. Runs 100,000 events only when AUDITPORTAL_BENCH=1 (it takes
/// seconds of both shared cores); otherwise 10,000, enough to catch a gross regression.
/// </summary>
public sealed class SingleWriterThroughputTests(PostgresFixture db, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AppendAsync_BatchesOfFiveThousand_ReportsEventsPerSecond()
    {
        var total = Environment.GetEnvironmentVariable("AUDITPORTAL_BENCH") == "1" ? 100_000 : 10_000;
        const int batchSize = 5_000;
        var batches = Enumerable.Range(0, total / batchSize)
            .Select(b => Enumerable.Range(b * batchSize, batchSize)
                .Select(n => LedgerTestData.Event("acct-" + (n % 500).ToString(CultureInfo.InvariantCulture), n)).ToList())
            .ToList();
        await using var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString),
            new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions());

        var stopwatch = Stopwatch.StartNew();
        foreach (var batch in batches)
            await appender.AppendAsync(batch);
        stopwatch.Stop();

        var rate = total / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"single writer, {total} events in batches of {batchSize}: {stopwatch.Elapsed.TotalSeconds:F2} s, {rate:F0} events/s"));
        (await db.ScalarAsync<long>("SELECT max(seq) FROM ledger.events")).ShouldBe(total);
    }
}

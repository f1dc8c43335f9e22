using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Data.AccessLog;

public sealed class AccessLogConcurrencyTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>
{
    [Fact]
    public async Task AppendAsync_FiftyConcurrentQueries_GapFreeForkFreeChain()
    {
        const int requests = 50;
        await using (var writer = AccessLogTestData.Writer(db))
        {
            using var start = new ManualResetEventSlim();
            var tasks = Enumerable.Range(1, requests).Select(n => Task.Run(async () =>
            {
                start.Wait();
                var entry = AccessLogTestData.Entry(n, subject: "sub-" + (n % 5).ToString(CultureInfo.InvariantCulture));
                return await AccessLogTestData.LogQueryAsync(writer, entry);
            })).ToList();
            start.Set();
            await Task.WhenAll(tasks);
        }

        var rows = await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString);
        rows.Count.ShouldBe(2 * requests);
        rows.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 2 * requests).Select(i => (long)i));
        LedgerTestData.AssertChainsIntact(rows); // seq dense, prev_hash = predecessor's leaf hash, every stream 1..M linked
        rows.Select(r => r.PrevHash).Select(Convert.ToHexString).Distinct().Count().ShouldBe(rows.Count, "two events share a predecessor: a fork");
        rows.GroupBy(r => r.StreamId).Count().ShouldBe(5);

        var requestIds = rows.Where(r => r.Action == "query.requested").Select(r => r.EventId).ToHashSet();
        requestIds.Count.ShouldBe(requests);
        var completions = rows.Where(r => r.Action == "query.completed").ToList();
        completions.Select(c => c.Lineage!.Inputs.Single()).ToHashSet().SetEquals(requestIds).ShouldBeTrue();
        foreach (var c in completions)
        {
            var request = rows.Single(r => r.EventId == c.Lineage!.Inputs[0]);
            request.Seq.ShouldBeLessThan(c.Seq);
            request.StreamId.ShouldBe(c.StreamId);
            ((string?)JsonNode.Parse(c.PayloadJson)!["request_event_id"]).ShouldBe(request.EventId.ToString("D"));
        }
    }
}

using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Lineage;
using AuditPortal.Data.Replica;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Ledger;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.Data.Lineage;

/// <summary>
/// Forward impact over chains the demo ledger does not have (its outputs are never inputs): an input used by more
/// outputs than the count cap, with outputs of outputs (depth 2 and 3) interleaved in seq between the direct ones,
/// so the bounded walk of a page must still find every deeper output that belongs on it, at its shortest depth.
/// </summary>
public sealed class ForwardImpactTests : IAsyncLifetime
{
    private const int Direct = LineageQuery.ImpactCountCap + 100;

    private readonly PostgresFixture db = new();
    private readonly LineageQuery query = new();
    private readonly List<(Guid Id, long Seq, Guid[] Inputs)> events = [];
    private ReplicaConnectionFactory replica = null!;
    private Guid busy, small;

    public async Task InitializeAsync()
    {
        await db.InitializeAsync();
        await using var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString), new FakeTimeProvider(DateTimeOffset.UnixEpoch), new AppenderOptions());
        var n = 0;
        async Task<Guid> AppendAsync(params Guid[] inputs)
        {
            var id = Guid.CreateVersion7();
            n++;
            var appended = await appender.AppendAsync([new NewEvent
            {
                StreamType = "test", StreamId = "impact-" + (n % 7), OccurredAt = DateTime.UnixEpoch, Actor = "test", Action = inputs.Length == 0 ? "test.input" : "test.output",
                Payload = new JsonObject { ["n"] = n }, IdempotencyKey = "impact-" + n, EventId = id,
                Lineage = inputs.Length == 0 ? null : new LedgerLineage(inputs, "test.chain", "1"),
            }]);
            events.Add((id, appended[0].Seq, inputs));
            return id;
        }
        busy = await AppendAsync();
        small = await AppendAsync();
        for (var i = 1; i <= Direct; i++)
        {
            var output = await AppendAsync(busy);
            if (i % 10 == 0)
            {
                var second = await AppendAsync(output);             // depth 2, between direct outputs in seq
                if (i % 50 == 0)
                    await AppendAsync(second);                      // depth 3
            }
            if (i == 5)
                await AppendAsync(busy, output);                    // two paths: listed once, at depth 1
        }
        var s1 = await AppendAsync(small);
        await AppendAsync(small);
        await AppendAsync(s1);
        replica = new ReplicaConnectionFactory(db.ReaderConnectionString);
    }

    public Task DisposeAsync() => db.DisposeAsync();

    /// <summary>The impact by breadth-first search over what was appended: output seq → shortest depth.</summary>
    private SortedDictionary<long, int> Reference(Guid input)
    {
        var outputsOf = events.SelectMany(e => e.Inputs.Select(i => (Input: i, e.Id, e.Seq))).ToLookup(x => x.Input);
        var depth = new SortedDictionary<long, int>();
        var frontier = new List<Guid> { input };
        for (var d = 1; frontier.Count > 0; d++)
        {
            var next = new List<Guid>();
            foreach (var (_, id, seq) in frontier.SelectMany(f => outputsOf[f]))
                if (depth.TryAdd(seq, d))
                    next.Add(id);
            frontier = next;
        }
        return depth;
    }

    private async Task<List<ImpactPage>> AllPagesAsync(Guid input, int size)
    {
        await using var session = await replica.BeginReadOnlyAsync();
        var pages = new List<ImpactPage>();
        long after = 0;
        do
        {
            pages.Add((await query.ForwardAsync(session.Connection, session.Transaction, input, after, size, default))!);
            after = pages[^1].NextAfter ?? 0;
        } while (pages[^1].NextAfter is not null);
        return pages;
    }

    [Theory]
    [InlineData(7)]
    [InlineData(50)]
    public async Task Pages_ListTheWholeTransitiveImpactInSeqOrderAtShortestDepth(int size)
    {
        var reference = Reference(busy);
        reference.Count.ShouldBeGreaterThan(Direct);
        reference.Values.Max().ShouldBe(3);

        var pages = await AllPagesAsync(busy, size);

        var rows = pages.SelectMany(p => p.Rows).ToList();
        rows.Select(r => (r.Output.Seq, r.Depth)).ShouldBe(reference.Select(kv => (kv.Key, kv.Value)));
        pages.SkipLast(1).ShouldAllBe(p => p.Rows.Count == size);
    }

    [Fact]
    public async Task Count_IsCappedBeyondTheCap_AndExactBelowIt()
    {
        var busyPages = await AllPagesAsync(busy, 50);
        busyPages.ShouldAllBe(p => p.Total == LineageQuery.ImpactCountCap && p.TotalCapped, "more than the cap: \"1,000+\" on every page");

        var smallPage = (await AllPagesAsync(small, 50)).ShouldHaveSingleItem();
        (smallPage.Total, smallPage.TotalCapped).ShouldBe((3L, false));
        smallPage.Rows.Select(r => r.Depth).ShouldBe([1, 1, 2]);
    }
}

using System.Text.Json.Nodes;
using AuditPortal.Data.Timeline;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using static AuditPortal.Tests.Data.Timeline.TimelineLedgerFixture;

namespace AuditPortal.Tests.Data.Timeline;

/// <summary>Tests that append to the ledger (their own database, so the other classes' counts hold).</summary>
public sealed class StreamProofAndLiveAppendTests(TimelineLedgerFixture ledger) : IClassFixture<TimelineLedgerFixture>
{
    private static readonly StreamKey AccountStream = new("account", Account);

    private StreamProofQuery Proofs() => new(ledger.Replica.DataSource, ledger.Signer.PublicKey);

    [Fact]
    public async Task Proof_IntactStream_VerifiedPendingThenTamperFindingOnTheEvent()
    {
        var proof = await Proofs().GetAsync(AccountStream);
        proof.Status.ShouldBe(StreamProofStatus.Verified, string.Join("\n", proof.Findings));
        proof.EventsVerified.ShouldBe(16);
        proof.HeadStreamSeq.ShouldBe(16);
        proof.IncludedSeq.ShouldBe(proof.HeadSeq);
        proof.CheckpointSignatureValid.ShouldBe(true);
        proof.InclusionProof.ShouldNotBeEmpty();
        proof.EventsAfterCheckpoint.ShouldBe(0);

        (await Proofs().GetAsync(new StreamKey("account", "nobody"))).Status.ShouldBe(StreamProofStatus.EmptyStream);

        await ledger.AppendAsync([("after-checkpoint", ledger.Ev("account", Account, "svc:payments", "cash.deposited",
            new JsonObject { ["amount"] = "1.00", ["currency"] = "USD", ["balance_after"] = "10001.00" }))]);
        var pending = await Proofs().GetAsync(AccountStream);
        pending.Status.ShouldBe(StreamProofStatus.VerifiedPendingCheckpoint);
        pending.EventsAfterCheckpoint.ShouldBe(1);
        pending.IncludedStreamSeq.ShouldBe(16);

        // Tamper with one event as a superuser would: the finding lands on that event's seq.
        var tradeSeq = await ledger.Db.ScalarAsync<long>($"SELECT seq FROM ledger.events WHERE event_id = '{ledger.Ids["trade-5"]}'");
        await ledger.Db.ExecuteAsync($"""
            ALTER TABLE ledger.events DISABLE TRIGGER ALL;
            UPDATE ledger.events SET payload = replace(payload, '"quantity":"10"', '"quantity":"11"') WHERE seq = {tradeSeq};
            ALTER TABLE ledger.events ENABLE TRIGGER ALL;
            """);
        var tampered = await Proofs().GetAsync(AccountStream);
        tampered.Status.ShouldBe(StreamProofStatus.Failed);
        tampered.FindingsBySeq[tradeSeq].Select(f => f.Kind).ShouldContain(FindingKind.HashMismatch);
    }

    [Fact]
    public async Task Paging_WhileEventsArrive_NoDuplicatesNoSkips()
    {
        var stream = new StreamKey("account", "acc-live");
        var appended = 0;
        async Task AppendLive(int n)
        {
            for (var i = 0; i < n; i++)
                await ledger.AppendAsync([($"live-{appended++}", ledger.Ev(stream.Type, stream.Id, "svc:live", "trade.executed", Trade(1000 + appended, "XNYS")))]);
        }
        await AppendLive(7);

        var seenSearch = new List<long>();
        var seenTimeline = new List<long>();
        string? searchCursor = null;
        string? timelineCursor = null;
        bool searchDone = false, timelineDone = false;
        var search = new EntitySearch();
        var timeline = new TimelineQuery();
        for (var pageNo = 0; pageNo < 20 && !(searchDone && timelineDone); pageNo++)
        {
            await using (var session = await ledger.Replica.BeginReadOnlyAsync())
            {
                if (!searchDone)
                {
                    var page = await search.FindEventsAsync(session.Connection, session.Transaction,
                        new SearchRequest { Actor = "svc:live", PageSize = 2, Cursor = searchCursor });
                    seenSearch.AddRange(page.Items.Select(h => h.Seq));
                    searchCursor = page.NextCursor;
                    searchDone = searchCursor is null;
                }
                if (!timelineDone)
                {
                    var tl = await timeline.ReadAsync(session.Connection, session.Transaction,
                        new TimelineRequest { Stream = stream, PageSize = 2, Cursor = timelineCursor });
                    seenTimeline.AddRange(tl.Items.Select(i => i.StreamSeq));
                    timelineCursor = tl.NextCursor;
                    timelineDone = timelineCursor is null;
                }
            }
            await AppendLive(1);
        }
        searchDone.ShouldBeTrue();
        timelineDone.ShouldBeTrue();

        // Newest first: the walk covers exactly the events that existed at the first page.
        seenSearch.Count.ShouldBe(7);
        seenSearch.ShouldBe(seenSearch.OrderDescending().ToList());
        seenSearch.Distinct().Count().ShouldBe(seenSearch.Count);
        // Oldest first: the walk continues into events appended meanwhile, each once, none skipped.
        seenTimeline.ShouldBe(Enumerable.Range(1, seenTimeline.Count).Select(i => (long)i));
        seenTimeline.Count.ShouldBeGreaterThan(7);
    }
}

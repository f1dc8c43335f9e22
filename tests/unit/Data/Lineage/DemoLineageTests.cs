using AuditPortal.Data.Lineage;
using AuditPortal.Data.Rules;
using Npgsql;

namespace AuditPortal.Tests.Data.Lineage;

/// <summary>
/// The lineage reads over the whole seed-42 demo ledger, against what the generator handed out: backward lineage,
/// forward impact as its inverse, staleness, and replay of every derived event.
/// </summary>
public sealed class DemoLineageTests(DemoLineageFixture demo) : IClassFixture<DemoLineageFixture>
{
    private readonly LineageQuery query = new();

    private List<int> Derived() => Enumerable.Range(0, demo.Events.Count).Where(i => demo.Events[i].Lineage is not null).ToList();

    [Fact]
    public async Task Backward_EveryDerivedEvent_HasItsRecordedRuleAndInputsInOrder()
    {
        var derived = Derived();
        derived.Count(i => demo.Events[i].Action == "tax_form.issued").ShouldBeGreaterThan(20);
        derived.Count(i => demo.Events[i].Action == "tax_form.corrected").ShouldBeGreaterThan(3);
        derived.Count(i => demo.Events[i].Action == "cash.dividend_paid").ShouldBeGreaterThan(100);

        await using var session = await demo.Replica.BeginReadOnlyAsync();
        var lineages = await query.BackwardAsync(session.Connection, session.Transaction, derived.Select(i => demo.Events[i].EventId!.Value).ToList(), default);
        lineages.Count.ShouldBe(derived.Count);
        foreach (var i in derived)
        {
            var e = demo.Events[i];
            var b = lineages[e.EventId!.Value];
            b.Output.Seq.ShouldBe(i + 1);
            b.Output.Rule.ShouldBe(new LineageRule(e.Lineage!.RuleId, e.Lineage.RuleVersion, e.Lineage.Inputs.Count));
            b.Output.Rule!.Known.ShouldBeTrue();
            b.Inputs.Select(x => x.EventId).ShouldBe(e.Lineage.Inputs, $"inputs of seq {i + 1}");
            b.Inputs.Select(x => x.Ordinal).ShouldBe(Enumerable.Range(1, e.Lineage.Inputs.Count));
            foreach (var input in b.Inputs)
            {
                var source = demo.Events[demo.Index[input.EventId]];
                input.Node.ShouldNotBeNull();
                input.Node.Seq.ShouldBe(demo.Index[input.EventId] + 1);
                (input.Node.Stream.Type, input.Node.Stream.Id, input.Node.Action).ShouldBe((source.StreamType, source.StreamId, source.Action));
                input.Node.Rule.ShouldBeNull("demo inputs are trades and declarations: depth 1");
                input.Findings.ShouldBeEmpty();
            }
            if (e.Action.StartsWith("tax_form.", StringComparison.Ordinal))
            {
                b.Inputs.ShouldAllBe(x => x.Node!.Stream.Type == "account" && x.Node.Action.StartsWith("trade.", StringComparison.Ordinal));
                e.StreamId.ShouldStartWith(b.Inputs[0].Node!.Stream.Id + "/");
            }
            else
                b.Inputs.ShouldHaveSingleItem().Node!.Action.ShouldBe("instrument.dividend_declared");
        }
    }

    [Fact]
    public async Task Backward_KnownForm_PinnedRuleAndInputs()
    {
        // The first tax form of the seed-42 30,000-event ledger.
        var first = Derived().First(i => demo.Events[i].Action == "tax_form.issued");
        var form = demo.Events[first];
        await using var session = await demo.Replica.BeginReadOnlyAsync();
        var b = (await query.BackwardAsync(session.Connection, session.Transaction, [form.EventId!.Value], default))[form.EventId.Value];

        (b.Output.Stream.Type + "/" + b.Output.Stream.Id, b.Output.Rule!.Id, b.Output.Rule.Version, b.Inputs.Count)
            .ShouldBe((PinnedFormStream, "tax.1099-B", "2024.1", PinnedFormInputs));
    }

    private const string PinnedFormStream = "tax_form/acc-000004/2024";
    private const int PinnedFormInputs = 3;

    [Fact]
    public async Task Forward_IsTheInverseOfBackward_OverTheWholeLedger()
    {
        var usedBy = new Dictionary<Guid, List<long>>();
        foreach (var i in Derived())
            foreach (var input in demo.Events[i].Lineage!.Inputs)
                (usedBy.TryGetValue(input, out var l) ? l : usedBy[input] = []).Add(i + 1L);

        await using var session = await demo.Replica.BeginReadOnlyAsync();
        // Events used by nothing have no edges: the edge table's inputs are exactly the events some lineage names.
        var withEdges = new HashSet<Guid>();
        await using (var cmd = new NpgsqlCommand("SELECT DISTINCT input_id FROM ledger.lineage_edges", session.Connection, session.Transaction))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) withEdges.Add(r.GetGuid(0));
        withEdges.SetEquals(usedBy.Keys).ShouldBeTrue();

        foreach (var (input, outputs) in usedBy)
        {
            var all = new List<ImpactRow>();
            long after = 0;
            ImpactPage page;
            do
            {
                page = (await query.ForwardAsync(session.Connection, session.Transaction, input, after, 7, default))!;
                all.AddRange(page.Rows);
                after = page.NextAfter ?? 0;
            } while (page.NextAfter is not null);
            all.Select(r => r.Output.Seq).ShouldBe(outputs.Distinct().Order(), $"impact of {input}");
            all.ShouldAllBe(r => r.Depth == 1 && r.Via == input);
            page.Total.ShouldBe(outputs.Distinct().Count());
        }
        var unused = demo.Events.First(e => !usedBy.ContainsKey(e.EventId!.Value)).EventId!.Value;
        var none = (await query.ForwardAsync(session.Connection, session.Transaction, unused, 0, 10, default))!;
        (none.Rows.Count, none.Total, none.NextAfter).ShouldBe((0, 0L, (long?)null));
        (await query.ForwardAsync(session.Connection, session.Transaction, Guid.CreateVersion7(), 0, 10, default)).ShouldBeNull();
    }

    [Fact]
    public async Task Stale_ExactlyTheOutputsWithACorrectionOfAnInputRecordedAfterThem()
    {
        var reference = demo.ReferenceStale();
        reference.ShouldNotBeEmpty("the demo must have stale outputs for this test to mean anything");

        await using var session = await demo.Replica.BeginReadOnlyAsync();
        var derivedSeqs = Derived().Select(i => (long)i + 1).ToList();
        var among = await query.StaleAmongAsync(session.Connection, session.Transaction, derivedSeqs, default);
        among.Keys.Order().ShouldBe(reference.Keys.Select(i => (long)i + 1).Order());
        foreach (var (i, corrections) in reference)
            among[i + 1].Select(c => c.Seq).ShouldBe(corrections.Select(c => (long)c.Correction + 1).Order());

        var listed = new List<StaleRow>();
        StaleCursor? after = null;
        do
        {
            var page = await query.StaleOutputsAsync(session.Connection, session.Transaction, after, 5, default);
            listed.AddRange(page.Rows);
            after = page.Next;
        } while (after is not null);
        listed.Select(r => (r.Output.Seq, r.Input, r.Correction.Seq)).Order()
            .ShouldBe(reference.SelectMany(kv => kv.Value.Select(v => ((long)kv.Key + 1, v.Input, (long)v.Correction + 1))).Order());
        listed.Select(r => r.Correction.Seq).ShouldBeInOrder(SortDirection.Descending);

        var backward = await query.BackwardAsync(session.Connection, session.Transaction,
            Derived().Select(i => demo.Events[i].EventId!.Value).ToList(), default);
        foreach (var i in Derived())
            backward[demo.Events[i].EventId!.Value].Stale.ShouldBe(reference.ContainsKey(i), $"seq {i + 1}");
    }

    [Fact]
    public async Task SearchFilter_StaleOutputs_FindsExactlyTheStaleOutputs()
    {
        var reference = demo.ReferenceStale().Keys.Select(i => (long)i + 1).Order().ToList();
        await using var session = await demo.Replica.BeginReadOnlyAsync();
        var search = new AuditPortal.Data.Timeline.EntitySearch();
        var found = new List<long>();
        string? cursor = null;
        do
        {
            var page = await search.FindEventsAsync(session.Connection, session.Transaction,
                new AuditPortal.Data.Timeline.SearchRequest { StaleOutputsOnly = true, PageSize = 200, Cursor = cursor });
            found.AddRange(page.Items.Select(h => h.Seq));
            cursor = page.NextCursor;
        } while (cursor is not null);
        found.Order().ShouldBe(reference);

        var forms = await search.FindEventsAsync(session.Connection, session.Transaction,
            new AuditPortal.Data.Timeline.SearchRequest { StaleOutputsOnly = true, StreamType = "tax_form", PageSize = 200 });
        forms.Items.ShouldAllBe(h => h.Stream.Type == "tax_form");
    }

    [Fact]
    public async Task Replay_EveryDerivedEvent_ReproducesItsPayloadByteForByte()
    {
        var replay = new LineageReplay();
        var reference = demo.ReferenceStale();
        await using var session = await demo.Replica.BeginReadOnlyAsync();
        foreach (var i in Derived())
        {
            var result = (await replay.ReplayAsync(session.Connection, session.Transaction, demo.Events[i].EventId!.Value, default))!;
            result.Outcome.ShouldBe(ReplayOutcome.Reproduced, $"seq {i + 1}: {result.Recorded?.Problem} {string.Join("; ", result.Recorded?.Changes ?? [])}");
            result.Recorded!.Payload.ShouldBe(result.RecordedPayload);
            result.Recorded.Changes.ShouldBeEmpty();
            // Today: an input corrected since changes the inputs, and every stale output's inputs were corrected.
            if (reference.ContainsKey(i))
                result.Inputs.Any(x => x.Corrected).ShouldBeTrue($"seq {i + 1} is stale");
            if (!result.Inputs.Any(x => x.Corrected))
                result.Today!.Changes.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Replay_IsDeterministic_AcrossRunsAndSessions()
    {
        var replay = new LineageReplay();
        var ids = Derived().Select(i => demo.Events[i].EventId!.Value).Take(200).ToList();
        var first = new List<string?>();
        await using (var session = await demo.Replica.BeginReadOnlyAsync())
            foreach (var id in ids)
            {
                var r = (await replay.ReplayAsync(session.Connection, session.Transaction, id, default))!;
                first.Add(r.Recorded!.Payload + "\n" + r.Today!.Payload + "\n" + string.Join("|", r.Today.Changes));
            }
        await using (var session = await demo.Replica.BeginReadOnlyAsync())
            for (var k = 0; k < ids.Count; k++)
            {
                var r = (await replay.ReplayAsync(session.Connection, session.Transaction, ids[k], default))!;
                (r.Recorded!.Payload + "\n" + r.Today!.Payload + "\n" + string.Join("|", r.Today.Changes)).ShouldBe(first[k]);
            }
    }

    [Fact]
    public async Task Replay_NotDerivedAndUnknownEvent()
    {
        var replay = new LineageReplay();
        await using var session = await demo.Replica.BeginReadOnlyAsync();
        var plain = demo.Events.First(e => e.Lineage is null).EventId!.Value;
        (await replay.ReplayAsync(session.Connection, session.Transaction, plain, default))!.Outcome.ShouldBe(ReplayOutcome.NotDerived);
        (await replay.ReplayAsync(session.Connection, session.Transaction, Guid.CreateVersion7(), default)).ShouldBeNull();
        RuleRegistry.IsKnown("tax.1099-B", "2024.1").ShouldBeTrue();
    }

    [Fact]
    public async Task Cli_ShowImpactReplay_AnswerTheSameQuestions()
    {
        var env = new Dictionary<string, string> { [AuditPortal.Cli.CliEnvironment.ReplicaVariable] = demo.Db.ReaderConnectionString };
        var reference = demo.ReferenceStale();
        var staleIndex = reference.Keys.First();
        var stale = demo.Events[staleIndex];
        var input = stale.Lineage!.Inputs[0];

        var show = await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "show", "--event", stale.EventId!.Value.ToString(), "--json");
        show.Code.ShouldBe(0, show.Err);
        using (var doc = System.Text.Json.JsonDocument.Parse(show.Out))
        {
            var root = doc.RootElement.GetProperty("lineage")[0];
            root.GetProperty("output").GetProperty("rule").GetProperty("version").GetString().ShouldBe(stale.Lineage.RuleVersion);
            root.GetProperty("inputs").GetArrayLength().ShouldBe(stale.Lineage.Inputs.Count);
            root.GetProperty("stale").GetBoolean().ShouldBeTrue();
        }
        (await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "show", "--event", stale.EventId.Value.ToString())).Out.ShouldContain("STALE");

        var impact = await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "impact", "--event", input.ToString(), "--json");
        impact.Code.ShouldBe(0, impact.Err);
        using (var doc = System.Text.Json.JsonDocument.Parse(impact.Out))
            doc.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("output").GetProperty("seq").GetInt64()).ShouldContain(staleIndex + 1L);

        var replay = await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "replay", "--event", stale.EventId.Value.ToString());
        replay.Code.ShouldBe(0, replay.Err);
        replay.Out.ShouldContain("byte for byte");
        replay.Out.ShouldContain("input(s) corrected");

        (await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "replay", "--event", Guid.CreateVersion7().ToString())).Code.ShouldBe(2);
        var bad = await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "show", "--event", "not-a-uuid\u202e");
        (bad.Code, bad.Err.Contains("--event", StringComparison.Ordinal)).ShouldBe((2, true));
        (await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "impact", "--event", input.ToString(), "--limit", "0")).Code.ShouldBe(2);
    }

    [Fact]
    public async Task Cli_Stale_PagesThroughEveryStaleOutput_AndFailsAScriptWhenThereIsOne()
    {
        var env = new Dictionary<string, string> { [AuditPortal.Cli.CliEnvironment.ReplicaVariable] = demo.Db.ReaderConnectionString };
        var reference = demo.ReferenceStale().SelectMany(kv => kv.Value.Select(v => ((long)kv.Key + 1, (long)v.Correction + 1))).Order().ToList();
        reference.ShouldNotBeEmpty("the demo must have stale outputs for this test to mean anything");

        var listed = new List<(long Output, long Correction)>();
        string? after = null;
        do
        {
            var run = await AuditPortal.Tests.Cli.CliRun.RunAsync(env, after is null
                ? ["lineage", "stale", "--limit", "7", "--json"]
                : ["lineage", "stale", "--limit", "7", "--json", "--after", after]);
            run.Code.ShouldBe(1, run.Err);
            using var doc = System.Text.Json.JsonDocument.Parse(run.Out);
            foreach (var row in doc.RootElement.GetProperty("rows").EnumerateArray())
                listed.Add((row.GetProperty("output").GetProperty("seq").GetInt64(), row.GetProperty("correction").GetProperty("seq").GetInt64()));
            after = doc.RootElement.GetProperty("next").GetString();
        } while (after is not null);
        listed.Order().ShouldBe(reference);

        var text = await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "stale", "--limit", "1");
        (text.Code, text.Out.Contains("corrected by", StringComparison.Ordinal), text.Out.Contains("more: --after", StringComparison.Ordinal)).ShouldBe((1, true, true));
        var bad = await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "stale", "--after", "1-2\u202e");
        (bad.Code, bad.Err.Contains("--after", StringComparison.Ordinal)).ShouldBe((2, true));
        (await AuditPortal.Tests.Cli.CliRun.RunAsync(env, "lineage", "stale", "--limit", "10001")).Code.ShouldBe(2);
    }
}

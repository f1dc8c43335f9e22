using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Schema;
using AuditPortal.Portal;
using AuditPortal.Portal.AccessLogReview;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Lineage;
using AuditPortal.Portal.Timeline;
using AuditPortal.Portal.Verification;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Tests.E2e.Verification;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditPortal.Tests.E2e.AccessLogReview;

/// <summary>
/// "What did they see?" for the kinds whose answer depends on more than a stream's events: the timeline page (its
/// related rows, stale corrections and proof badge), the four lineage views, the proof details and the dashboard (both
/// name the latest checkpoint). Real queries made through the pages match after the ledger grew in every way that would
/// change their answers now — a correction of a lineage input, a new output derived from it, more events in the stream
/// and a newer signed checkpoint — and the same entries with a forged digest or count are mismatches. A ledger of its
/// own, because the test appends to it.
/// </summary>
public sealed class WhatTheySawLedgerKindsTests(TamperableLedger ledger) : IClassFixture<TamperableLedger>, IDisposable
{
    // The badge always in time here (a loaded machine cannot make it miss), never in time in the hurried portal.
    private readonly GatewayPortalFactory portal = new(ledger.Databases,
        new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false", ["Portal:Timeline:ProofBudget"] = "00:05:00" });

    private readonly GatewayPortalFactory hurried = new(ledger.Databases,
        new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false", ["Portal:Timeline:ProofBudget"] = "00:00:00" });

    [Fact]
    public async Task RealQueriesOfEachKind_Match_AfterTheLedgerGrew_ForgedDigestOrCountIsAMismatch()
    {
        var derived = await DerivedAsync();
        var input = await EventAsync(derived.Inputs[0]);
        // One stale output before the queries (the demo ledger has none yet), so the stale list has a row then.
        await CorrectAsync(await EventAsync(await OtherInputAsync(input.Id)));
        var sizeThen = await ScalarAsync("SELECT max(seq) FROM ledger.events");
        var checkpointThen = await ScalarAsync("SELECT max(size) FROM ledger.checkpoints");
        var firstCheckpoint = await ScalarAsync("SELECT min(size) FROM ledger.checkpoints");
        firstCheckpoint.ShouldBeLessThan(checkpointThen, "the seed signs more than one checkpoint");
        var auditor = "aud-" + Guid.NewGuid().ToString("N")[..8];
        (string Url, string Kind)[] pages =
        [
            (PortalUrls.EntityTimeline(input.Stream.Type, input.Stream.Id), "timeline.read"),
            (PortalUrls.Lineage(derived.Id), "lineage.read"),
            (PortalUrls.LineageImpact(input.Id), "lineage.impact"),
            (PortalUrls.StaleOutputs(), "lineage.stale"),
            (PortalUrls.LineageReplay(derived.Id), "lineage.replay"),
            (PortalUrls.Proof(input.Stream.Type, input.Stream.Id), "stream.proof"),
            (PortalUrls.Home, "dashboard.read"),
            (PortalUrls.Checkpoints, "checkpoints.read"),
            (PortalUrls.InclusionProof(firstCheckpoint, checkpointThen), "proof.read"),
            (PortalUrls.ConsistencyProof(firstCheckpoint, checkpointThen), "proof.read"),
        ];
        var requests = await AccessLogReplay.OpenAsync(portal, ledger.Databases, auditor, pages);
        var inAHurry = "hurry-" + Guid.NewGuid().ToString("N")[..8];
        var hurriedTimeline = (await AccessLogReplay.OpenAsync(hurried, ledger.Databases, inAHurry, [pages[0]])).Single();

        // The ledger grows in every way that changes these answers today.
        await GrowAsync(derived, input);
        (await ScalarAsync("SELECT max(size) FROM ledger.checkpoints")).ShouldBeGreaterThan(checkpointThen);
        var appended = await AppendedSinceAsync(sizeThen);
        appended.Count.ShouldBe(2);
        // Each page answers differently now, so a re-run that ignored the bound could not match.
        var today = "today-" + Guid.NewGuid().ToString("N")[..8];
        await AccessLogReplay.OpenAsync(portal, ledger.Databases, today, pages);
        var digestsThen = await DigestsOfAsync(auditor);
        var digestsNow = await DigestsOfAsync(today);
        // A proof names its leaf and checkpoints, which stay what they were (the ledger is append-only): the same answer
        // today; its re-run shows that the proof can still be built from the ledger as it stood.
        for (var i = 0; i < pages.Length; i++)
            if (pages[i].Kind != "proof.read")
                digestsNow[i].ShouldNotBe(digestsThen[i], pages[i].Kind);

        var admin = "adm-" + Guid.NewGuid().ToString("N")[..8];
        var views = new Dictionary<string, WhatTheySawView>();
        foreach (var (seq, kind) in requests)
        {
            var view = await WhatTheySawAsync(admin, seq);
            views.TryAdd(kind, view); // the inclusion proof stands for proof.read; the consistency proof is checked as well
            view.Verdict.ShouldBe(ReplayVerdict.Match, $"{kind}: {view.Explanation}");
            view.ReplayedRows.ShouldBe(view.LoggedRows, kind);
            view.ReplayedRows.ShouldNotBe(0L, kind);
            view.Entry!.LedgerSize.ShouldBe(sizeThen, kind);
            view.Entry.CheckpointSize.ShouldBe(checkpointThen, kind);
        }

        // The timeline's badge named the checkpoint then; the hurried page (no time for the proof) usually showed none: its events alone match.
        views["timeline.read"].Explanation.ShouldContain($"proved against checkpoint {checkpointThen}", Case.Sensitive);
        // A zero budget does not always miss: a proof that is ready when the page asks is shown (a CI run saw it), so the
        // logged row count says which happened, and the re-run must say the same and match either way.
        var notInTime = await WhatTheySawAsync(admin, hurriedTimeline.Seq);
        notInTime.Verdict.ShouldBe(ReplayVerdict.Match, notInTime.Explanation);
        if (notInTime.LoggedRows == views["timeline.read"].ReplayedRows - 1)
        {
            notInTime.Explanation.ShouldContain("not shown in time", Case.Sensitive);
            notInTime.ReplayedRows.ShouldBe(views["timeline.read"].ReplayedRows - 1);
        }
        else
        {
            notInTime.Explanation.ShouldContain($"proved against checkpoint {checkpointThen}", Case.Sensitive);
            notInTime.ReplayedRows.ShouldBe(views["timeline.read"].ReplayedRows);
        }

        // As it stood: none of what was appended after the queries is in the re-runs' results, though today's pages show it.
        var timeline = views["timeline.read"].Result.ShouldBeOfType<TimelineView>();
        timeline.Rows.Select(r => r.Item.EventId).Concat(timeline.Rows.SelectMany(r => r.Item.SupersededBy)).Concat(timeline.Related.Keys)
            .ShouldNotContain(id => appended.Contains(id));
        var lineage = views["lineage.read"].Result.ShouldBeOfType<Lookup<LineageView>>().Value!;
        lineage.Root.Inputs.SelectMany(i => i.CorrectedAfterOutput).ShouldNotContain(c => appended.Contains(c.EventId));
        views["lineage.impact"].Result.ShouldBeOfType<Lookup<ImpactView>>().Value!.Page.Rows.ShouldNotContain(r => appended.Contains(r.Output.EventId));
        views["lineage.stale"].Result.ShouldBeOfType<StaleView>().Page.Rows.ShouldNotContain(r => appended.Contains(r.Correction.EventId));
        views["lineage.replay"].Result.ShouldBeOfType<Lookup<ReplayView>>().Value!.Result.Inputs.ShouldNotContain(i => appended.Contains(i.Today!.EventId));
        views["stream.proof"].Result.ShouldBeOfType<ProofView>().Proof.Checkpoint!.Checkpoint.Size.ShouldBe(checkpointThen);
        var checkpoints = views["checkpoints.read"].Result.ShouldBeOfType<CheckpointsView>();
        checkpoints.Rows.Max(r => r.Size).ShouldBe(checkpointThen);
        checkpoints.HeadSeq.ShouldBe(sizeThen);
        views["proof.read"].Result.ShouldBeOfType<InclusionProofView>().Document.TreeSize.ShouldBe(checkpointThen);
        var dashboard = views["dashboard.read"].Result.ShouldBeOfType<DashboardView>();
        dashboard.Head!.Size.ShouldBe(sizeThen);
        dashboard.LatestCheckpoint!.Size.ShouldBe(checkpointThen);

        // The same entries, forged: another digest with the logged count, and (the timeline) the logged digest with another count.
        var forger = "forged-" + Guid.NewGuid().ToString("N")[..8];
        var originals = new List<AccessLogItem>();
        foreach (var (seq, _) in requests)
            originals.Add((await WhatTheySawAsync(admin, seq)).Entry!);
        var timelineEntry = views["timeline.read"].Entry!;
        var forgeries = originals.Select(o => (Original: o, Rows: o.Completion!.RowCount!.Value, Digest: RecordDigest.Compute(["00000000-0000-0000-0000-000000000001"])))
            .Append((timelineEntry, timelineEntry.Completion!.RowCount!.Value + 1, timelineEntry.Completion.RecordDigest!))
            .Append((timelineEntry, timelineEntry.Completion.RowCount!.Value - 1, timelineEntry.Completion.RecordDigest!))
            .ToList();
        foreach (var (original, rows, digest) in forgeries)
            await WriteAsync(forger, original.Kind, original.Parameters, original.LedgerSize, original.CheckpointSize, rows, digest);
        await WaitForCompletionsAsync(forger, forgeries.Count);
        var forged = await RequestsOfAsync(forger);
        for (var i = 0; i < forgeries.Count; i++)
        {
            var view = await WhatTheySawAsync(admin, forged[i].Seq);
            view.Verdict.ShouldBe(ReplayVerdict.Mismatch, $"{forged[i].Kind} forged #{i}: {view.Explanation}");
            view.IsFinding.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task EntriesWithoutWhatTheReRunNeeds_CannotBeReRun_NeverAMismatch()
    {
        var derived = await DerivedAsync();
        var input = await EventAsync(derived.Inputs[0]);
        var size = await ScalarAsync("SELECT max(seq) FROM ledger.events");
        var checkpoint = await ScalarAsync("SELECT max(size) FROM ledger.checkpoints");
        var stream = new JsonObject { ["stream_type"] = input.Stream.Type, ["stream_id"] = input.Stream.Id };
        var timeline = new JsonObject
        {
            ["action"] = null, ["actor"] = null, ["axis"] = null, ["cursor"] = null, ["dir"] = "asc", ["from"] = null, ["label"] = null, ["mark"] = null,
            ["order"] = "seq", ["page"] = 1, ["size"] = 50, ["stream_id"] = input.Stream.Id, ["stream_type"] = input.Stream.Type, ["to"] = null,
        };
        var starred = (JsonObject)timeline.DeepClone();
        starred["mark"] = "starred";
        var user = "old-" + Guid.NewGuid().ToString("N")[..8];
        var digest = RecordDigest.Compute(["00000000-0000-0000-0000-000000000001"]);
        (string Kind, JsonObject Parameters, long? CheckpointSize, ReplayVerdict Verdict, string Says)[] cases =
        [
            // Logged with the ledger size but before the checkpoint size was recorded.
            ("timeline.read", timeline, null, ReplayVerdict.NoLedgerSize, "before the checkpoint size was recorded"),
            ("stream.proof", stream, null, ReplayVerdict.NoLedgerSize, "before the checkpoint size was recorded"),
            ("dashboard.read", new JsonObject(), null, ReplayVerdict.NoLedgerSize, "before the checkpoint size was recorded"),
            // A timeline narrowed to the case's annotations: the workspace keeps them as they are now.
            ("timeline.read", starred, checkpoint, ReplayVerdict.NotReplayable, "annotations"),
            // Parameters the pages never write.
            ("lineage.read", new JsonObject { ["event_id"] = "not-a-uuid", ["expand"] = new JsonArray() }, checkpoint, ReplayVerdict.NotReplayable, "not those of"),
            ("lineage.stale", new JsonObject { ["after"] = "1-2", ["page_size"] = 50 }, checkpoint, ReplayVerdict.NotReplayable, "not those of"),
            // A proof at a size the ledger did not have then: never answered as it stood, so not re-run today.
            ("proof.read", new JsonObject { ["proof"] = "inclusion", ["seq"] = 1, ["size"] = size + 1 }, checkpoint, ReplayVerdict.NotReplayable, "not those of"),
            ("timeline.read", new JsonObject { ["stream_type"] = "account", ["stream_id"] = "x", ["size"] = 50, ["order"] = "sideways", ["dir"] = "asc" },
                checkpoint, ReplayVerdict.NotReplayable, "not those of"),
        ];
        foreach (var c in cases)
            await WriteAsync(user, c.Kind, c.Parameters, size, c.CheckpointSize, 1, digest);
        await WaitForCompletionsAsync(user, cases.Length);
        var entries = await RequestsOfAsync(user);
        var admin = "adm-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < cases.Length; i++)
        {
            var view = await WhatTheySawAsync(admin, entries[i].Seq);
            view.Verdict.ShouldBe(cases[i].Verdict, $"case {i} ({cases[i].Kind}): {view.Explanation}");
            view.Explanation.ShouldContain(cases[i].Says, Case.Sensitive);
        }
    }

    private async Task WriteAsync(string user, string kind, JsonObject parameters, long? ledgerSize, long? checkpointSize, long rows, string digest)
    {
        await using var writer = new AccessLogWriter(NpgsqlDataSource.Create(ledger.Databases.Primary(ledger.Databases.PortalDb, LedgerRoles.AccessLog.Writer)),
            TimeProvider.System, new AccessLogWriterOptions { Deployment = "test" });
        var entry = new AccessLogEntry
        {
            RequestId = Guid.NewGuid().ToString("D"), SubjectId = user, DisplayName = user, Roles = [PortalRoles.Auditor], Kind = kind,
            Parameters = (JsonObject)parameters.DeepClone(), RequestedAt = DateTime.UtcNow, LedgerSize = ledgerSize, CheckpointSize = checkpointSize,
        };
        var request = await writer.AppendAsync(entry);
        await writer.AppendCompletionAsync(AccessLogCompletion.For(entry, request.EventId, AccessLogOutcome.Completed, rows, digest,
            TimeSpan.FromMilliseconds(5), DateTime.UtcNow));
    }

    /// <summary>
    /// A correction of <paramref name="input"/> (the derived event's lineage and replay, the stale list and the input's
    /// timeline change), a new output derived from it (its forward impact changes), and a newer signed checkpoint (the
    /// proof and the dashboard change).
    /// </summary>
    private async Task GrowAsync((Guid Id, long Seq, Guid[] Inputs, string RuleId, string RuleVersion) derived, (Guid Id, StreamKey Stream, string Action, string Payload) input)
    {
        await using (var appender = new LedgerAppender(ledger.Databases.Primary(ledger.Databases.LedgerDb, LedgerRoles.Ledger.Writer), TimeProvider.System,
            new AppenderOptions
            {
                Signer = ledger.Databases.Signer, CheckpointEveryEvents = 1_000_000, CheckpointEverySeconds = 1_000_000, Origin = "ledger/test",
                Witness = new WitnessDirectory(ledger.Databases.WitnessPath),
            }))
        {
            await appender.AppendAsync(
            [
                Correction(input),
                new NewEvent
                {
                    StreamType = "rerun_output", StreamId = "o-1", OccurredAt = DateTime.UtcNow, Actor = "deriver", Action = "derived",
                    Payload = new JsonObject { ["n"] = 1 }, Lineage = new LedgerLineage([input.Id], derived.RuleId, derived.RuleVersion),
                },
            ]);
            await appender.CreateCheckpointAsync();
        }
        await ledger.WaitForStandbyAsync();
    }

    /// <summary>The record digests of the user's answered queries, in the order they were made.</summary>
    private async Task<List<string>> DigestsOfAsync(string user)
    {
        await using var connection = new NpgsqlConnection(ledger.Databases.Primary(ledger.Databases.PortalDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT payload::jsonb->>'record_digest' FROM ledger.events WHERE stream_id = $1 AND action = 'query.completed' ORDER BY seq", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = user });
        await using var reader = await cmd.ExecuteReaderAsync();
        var digests = new List<string>();
        while (await reader.ReadAsync())
            digests.Add(reader.GetString(0));
        return digests;
    }

    private async Task<HashSet<Guid>> AppendedSinceAsync(long size)
    {
        await using var connection = new NpgsqlConnection(ledger.Databases.Replica(ledger.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT event_id FROM ledger.events WHERE seq > $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
        await using var reader = await cmd.ExecuteReaderAsync();
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }

    private async Task CorrectAsync((Guid Id, StreamKey Stream, string Action, string Payload) input)
    {
        await using (var appender = new LedgerAppender(ledger.Databases.Primary(ledger.Databases.LedgerDb, LedgerRoles.Ledger.Writer), TimeProvider.System,
            new AppenderOptions { CheckpointEveryEvents = 1_000_000, CheckpointEverySeconds = 1_000_000, Origin = "ledger/test" }))
        {
            await appender.AppendAsync([Correction(input)]);
        }
        await ledger.WaitForStandbyAsync();
    }

    private static NewEvent Correction((Guid Id, StreamKey Stream, string Action, string Payload) input) => new()
    {
        StreamType = input.Stream.Type, StreamId = input.Stream.Id, OccurredAt = DateTime.UtcNow, Actor = "corrector", Action = input.Action,
        Payload = (JsonObject)JsonNode.Parse(input.Payload)!, Supersedes = input.Id,
    };

    /// <summary>The first input of a derived event that does not use <paramref name="not"/>.</summary>
    private async Task<Guid> OtherInputAsync(Guid not)
    {
        await using var connection = new NpgsqlConnection(ledger.Databases.Replica(ledger.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT lineage_inputs[1] FROM ledger.events WHERE rule_id IS NOT NULL AND NOT ($1 = ANY(lineage_inputs)) ORDER BY seq LIMIT 1", connection);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = not });
        return (Guid)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<(Guid Id, long Seq, Guid[] Inputs, string RuleId, string RuleVersion)> DerivedAsync()
    {
        await using var connection = new NpgsqlConnection(ledger.Databases.Replica(ledger.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT event_id, seq, lineage_inputs, rule_id, rule_version FROM ledger.events WHERE rule_id IS NOT NULL ORDER BY seq LIMIT 1", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue("the demo ledger has derived events");
        return (reader.GetGuid(0), reader.GetInt64(1), reader.GetFieldValue<Guid[]>(2), reader.GetString(3), reader.GetString(4));
    }

    private async Task<(Guid Id, StreamKey Stream, string Action, string Payload)> EventAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(ledger.Databases.Replica(ledger.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT stream_type, stream_id, action, payload FROM ledger.events WHERE event_id = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return (id, new StreamKey(reader.GetString(0), reader.GetString(1)), reader.GetString(2), reader.GetString(3));
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ledger.Databases.Replica(ledger.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private Task<WhatTheySawView> WhatTheySawAsync(string admin, long seq) => AccessLogReplay.WhatTheySawAsync(portal, admin, seq);

    private Task WaitForCompletionsAsync(string user, int count) => AccessLogReplay.WaitForCompletionsAsync(ledger.Databases, user, count);

    private Task<List<(long Seq, string Kind)>> RequestsOfAsync(string user) => AccessLogReplay.RequestsOfAsync(ledger.Databases, user);

    public void Dispose()
    {
        portal.Dispose();
        hurried.Dispose();
    }
}

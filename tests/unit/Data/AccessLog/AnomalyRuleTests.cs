using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.AccessLog.Anomalies;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.Data.AccessLog;

/// <summary>
/// Each anomaly rule fires on entries built to cross its threshold and stays silent on entries built to stay just
/// below it. Time comes from a <see cref="FakeTimeProvider"/> that the test advances between queries.
/// </summary>
public sealed class AnomalyRuleTests
{
    // A Tuesday, 10:00 UTC: inside the default working hours.
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly HashSet<string> erased = ["subj-erased-1"];
    private long seq;

    private AnomalyEngine Engine(AnomalyOptions? options = null) => new(options ?? new AnomalyOptions(), erased.Contains);

    private AccessObservation Query(string user = "alice", string kind = "timeline.read", string? stream = "account/acc-1", bool unmask = false,
        string? caseRef = null, AccessLogOutcome? outcome = AccessLogOutcome.Completed)
    {
        var parameters = new JsonObject();
        if (stream is not null)
        {
            parameters["stream_type"] = stream.Split('/')[0];
            parameters["stream_id"] = stream.Split('/')[1];
        }
        if (unmask)
            parameters["unmask"] = true;
        return new AccessObservation(++seq, user, ["investigator"], kind, parameters, caseRef, clock.GetUtcNow().UtcDateTime, outcome);
    }

    private static List<AnomalyFlag> Run(AnomalyEngine engine, IEnumerable<AccessObservation> entries) =>
        entries.SelectMany(engine.Observe).ToList();

    private IEnumerable<AccessObservation> Every(TimeSpan step, int count, Func<int, AccessObservation> make)
    {
        for (var i = 0; i < count; i++)
        {
            yield return make(i);
            clock.Advance(step);
        }
    }

    [Fact]
    public void OutsideWorkingHours_FiresOncePerUserAndDay_SilentInsideHours()
    {
        var engine = Engine();
        Run(engine, Every(TimeSpan.FromMinutes(30), 16, _ => Query())).ShouldBeEmpty(); // 10:00–17:30

        clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 22, 15, 0, TimeSpan.Zero));
        var flags = Run(engine, Every(TimeSpan.FromMinutes(5), 3, _ => Query()));

        flags.Count.ShouldBe(1);
        flags[0].RuleId.ShouldBe("outside-working-hours");
        flags[0].EntrySeqs.ShouldBe([17L]);
        flags[0].Explanation.ShouldContain("22:15");
        clock.SetUtcNow(new DateTimeOffset(2026, 12, 5, 11, 0, 0, TimeSpan.Zero)); // a Saturday
        Run(engine, [Query()]).Single().Explanation.ShouldContain("Saturday");
    }

    [Fact]
    public void VolumeAboveBaseline_FiresAboveFactorTimesOwnAverage_SilentAtIt()
    {
        var options = new AnomalyOptions { BaselineDays = 7, VolumeFactor = 5, VolumeMinimum = 20, WorkingDays = Enum.GetValues<DayOfWeek>(), WorkingHoursStart = TimeSpan.Zero, WorkingHoursEnd = TimeSpan.FromDays(1) };
        var engine = Engine(options);
        for (var day = 0; day < 7; day++) // a steady 10 a day for a week: baseline 10
        {
            clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero).AddDays(day));
            Run(engine, Every(TimeSpan.FromMinutes(1), 10, _ => Query())).ShouldBeEmpty();
        }
        clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 11, 0, 0, TimeSpan.Zero));
        Run(engine, Every(TimeSpan.FromSeconds(10), 50, _ => Query())).ShouldBeEmpty(); // 50 = 5 × 10: not above

        var flags = Run(engine, [Query(), Query()]);

        flags.Count.ShouldBe(1); // once per day
        flags[0].RuleId.ShouldBe("volume-above-baseline");
        flags[0].Explanation.ShouldStartWith("51 queries on 2026-12-08");
        // A new user has no baseline: silent however busy.
        Run(engine, Every(TimeSpan.FromSeconds(1), 200, _ => Query(user: "newcomer"))).ShouldBeEmpty();
    }

    [Fact]
    public void ManyDistinctStreams_FiresAtThresholdWithinWindow_SilentWhenSpreadOut()
    {
        var options = new AnomalyOptions { DistinctStreamsThreshold = 10, DistinctStreamsWindow = TimeSpan.FromMinutes(10) };
        var spread = Engine(options);
        Run(spread, Every(TimeSpan.FromMinutes(1.2), 30, i => Query(stream: $"account/acc-{i}"))).ShouldBeEmpty(); // ≤ 9 per window
        var same = Engine(options);
        Run(same, Every(TimeSpan.FromSeconds(5), 30, i => Query(stream: $"account/acc-{i % 9}"))).ShouldBeEmpty(); // 9 streams, again and again

        var burst = Engine(options);
        var flags = Run(burst, Every(TimeSpan.FromSeconds(30), 10, i => Query(stream: $"subject/s-{i}")));

        flags.Single().RuleId.ShouldBe("many-distinct-streams");
        flags.Single().EntrySeqs.Count.ShouldBe(10);
    }

    [Fact]
    public void UnmaskBurst_FiresAtThreshold_SilentBelowOrSpreadOut()
    {
        var options = new AnomalyOptions { UnmaskBurstThreshold = 5, UnmaskBurstWindow = TimeSpan.FromMinutes(10) };
        var engine = Engine(options);
        Run(engine, Every(TimeSpan.FromMinutes(3), 12, _ => Query(unmask: true, caseRef: "CASE-1"))).ShouldBeEmpty(); // ≤ 4 per 10 min
        Run(engine, Every(TimeSpan.FromSeconds(1), 20, _ => Query(caseRef: "CASE-1"))).ShouldBeEmpty(); // masked queries do not count

        clock.Advance(TimeSpan.FromHours(1));
        var flags = Run(engine, Every(TimeSpan.FromSeconds(20), 5, _ => Query(unmask: true, caseRef: "CASE-1")));

        flags.Single().RuleId.ShouldBe("unmask-burst");
        flags.Single().EntrySeqs.Count.ShouldBe(5);
    }

    [Fact]
    public void UnmaskBurst_CountsUnmaskGrants()
    {
        var engine = Engine(new AnomalyOptions { UnmaskBurstThreshold = 3, UnmaskBurstWindow = TimeSpan.FromMinutes(10) });
        Run(engine, Every(TimeSpan.FromSeconds(30), 3, _ => Query(kind: "unmask.revoke", stream: null, caseRef: "CASE-1"))).ShouldBeEmpty();

        var flags = Run(engine, Every(TimeSpan.FromSeconds(30), 3, _ => Query(kind: AccessObservation.UnmaskGrantKind, stream: null, caseRef: "CASE-1")));

        flags.Single().RuleId.ShouldBe("unmask-burst");
    }

    [Fact]
    public void QueryWithoutCase_FiresForUnmaskOrExpectedKindWithoutCase_SilentWithCaseOrOtherKinds()
    {
        var engine = Engine(new AnomalyOptions { CaseExpectedKinds = ["evidence.export"] });
        Run(engine, [Query(), Query(unmask: true, caseRef: "CASE-7"), Query(kind: "evidence.export", caseRef: "CASE-7")]).ShouldBeEmpty();

        var flags = Run(engine, [Query(unmask: true), Query(kind: "evidence.export")]);

        flags.Select(f => f.RuleId).ShouldBe(["query-without-case", "query-without-case"]);
        flags.Select(f => f.EntrySeqs.Single()).ShouldBe([4L, 5L]);
    }

    [Fact]
    public void RepeatedRefusals_FiresAtThreshold_SilentForSuccessesAndSpreadFailures()
    {
        var options = new AnomalyOptions { RepeatedFailuresThreshold = 4, RepeatedFailuresWindow = TimeSpan.FromMinutes(5) };
        var engine = Engine(options);
        Run(engine, Every(TimeSpan.FromSeconds(5), 40, _ => Query())).ShouldBeEmpty();
        Run(engine, Every(TimeSpan.FromMinutes(2), 10, i => Query(outcome: i % 2 == 0 ? AccessLogOutcome.Refused : AccessLogOutcome.Failed))).ShouldBeEmpty(); // ≤ 3 per 5 min

        clock.Advance(TimeSpan.FromHours(1));
        var flags = Run(engine, Every(TimeSpan.FromSeconds(10), 4, _ => Query(outcome: AccessLogOutcome.Refused)));

        flags.Single().RuleId.ShouldBe("repeated-refusals");
        flags.Single().EntrySeqs.Count.ShouldBe(4);
    }

    [Fact]
    public void ErasedSubjectAccess_FiresWhenAParameterNamesAnErasedSubject_SilentOtherwise()
    {
        var engine = Engine();
        Run(engine, [Query(stream: "subject/subj-kept-1"), Query(stream: null)]).ShouldBeEmpty();

        var flags = Run(engine, [Query(stream: "subject/subj-erased-1")]);

        flags.Single().RuleId.ShouldBe("erased-subject-access");
        flags.Single().Explanation.ShouldContain("subj-erased-1");
    }

    [Fact]
    public void Engine_EntriesOutOfOrder_Rejected_ConfigurationOutOfRange_Rejected()
    {
        var engine = Engine();
        engine.Observe(Query());
        Should.Throw<ArgumentException>(() => engine.Observe(Query() with { Seq = 1 }));
        Should.Throw<ArgumentException>(() => Engine(new AnomalyOptions { UnmaskBurstThreshold = 0 }));
        Should.Throw<ArgumentException>(() => Engine(new AnomalyOptions { WorkingHoursStart = TimeSpan.FromHours(20), WorkingHoursEnd = TimeSpan.FromHours(8) }));
        Should.Throw<TimeZoneNotFoundException>(() => Engine(new AnomalyOptions { TimeZone = "Nowhere/Atlantis" }));
        engine.Rules.Select(r => r.Id).Distinct().Count().ShouldBe(7);
        engine.Rules.ShouldAllBe(r => r.Version >= 1 && r.Description.Length > 0);
    }

    /// <summary>A mixed log over about 20 days in which every rule fires, windows spanning many entries.</summary>
    private List<AccessObservation> MixedLog()
    {
        var random = new Random(7);
        var entries = new List<AccessObservation>();
        string[] users = ["alice", "bob", "carol", "dave"];
        var spiked = false;
        for (var i = 0; i < 3_000; i++)
        {
            if (i % 250 == 0) // a burst: distinct streams, half of them refused
            {
                var who = users[i / 250 % users.Length];
                for (var k = 0; k < 12; k++)
                {
                    clock.Advance(TimeSpan.FromSeconds(20));
                    entries.Add(Query(who, stream: "account/burst-" + k, outcome: k % 2 == 0 ? AccessLogOutcome.Refused : AccessLogOutcome.Completed));
                }
            }
            if (!spiked && clock.GetUtcNow().Day == 15) // dave's volume spike
            {
                spiked = true;
                for (var k = 0; k < 80; k++)
                {
                    clock.Advance(TimeSpan.FromSeconds(30));
                    entries.Add(Query("dave", stream: "account/acc-1"));
                }
            }
            var user = users[random.Next(users.Length)];
            clock.Advance(TimeSpan.FromMinutes(random.Next(1, 20)));
            var roll = random.Next(20);
            entries.Add(Query(user,
                kind: roll == 0 ? "evidence.export" : "timeline.read",
                stream: roll == 1 ? "subject/subj-erased-1" : "account/acc-" + random.Next(6),
                unmask: roll == 2 || (roll == 3 && user == "bob"),
                caseRef: roll == 4 ? "CASE-1" : null,
                outcome: roll is 5 or 6 ? AccessLogOutcome.Refused : roll == 7 ? AccessLogOutcome.Failed : AccessLogOutcome.Completed));
        }
        return entries;
    }

    [Fact]
    public void Engine_SavedStateResumed_SameFlagsAsOneRun_AtEverySplit()
    {
        var options = new AnomalyOptions
        {
            BaselineDays = 3, VolumeMinimum = 40, VolumeFactor = 2, DistinctStreamsThreshold = 6, UnmaskBurstThreshold = 3,
            UnmaskBurstWindow = TimeSpan.FromHours(1), RepeatedFailuresThreshold = 3, RepeatedFailuresWindow = TimeSpan.FromMinutes(40),
        };
        var log = MixedLog();
        static string Show(AnomalyFlag f) => f.Key + " | " + f.Explanation + " | " + string.Join(',', f.EntrySeqs);
        var whole = Run(new AnomalyEngine(options, erased.Contains), log).Select(Show).ToList();

        // Every rule fires on this log, so every rule's state is carried across the splits.
        whole.Select(f => f.Split('/')[0]).Distinct().Order().ShouldBe(
            ["erased-subject-access", "many-distinct-streams", "outside-working-hours", "query-without-case", "repeated-refusals", "unmask-burst", "volume-above-baseline"]);
        var straddling = 0;
        foreach (var split in new[] { 1, 17, 500, 1_234, 2_000, 3_100 })
        {
            var before = new AnomalyEngine(options, erased.Contains);
            var flags = Run(before, log.Take(split)).Select(Show).ToList();
            var state = before.SaveState().ToJsonString(); // as stored: text
            var after = new AnomalyEngine(options, erased.Contains);
            after.LoadState(JsonNode.Parse(state)!.AsObject());
            after.LastSeq.ShouldBe(log[split - 1].Seq);
            var resumed = Run(after, log.Skip(split)).ToList();
            flags.AddRange(resumed.Select(Show));
            flags.ShouldBe(whole, $"split after {split}");
            straddling += resumed.Count(f => f.EntrySeqs[0] <= log[split - 1].Seq);
        }
        straddling.ShouldBeGreaterThan(0); // some flags count entries from before the split: the windows were carried
        // A fresh engine without the state misses (or changes) flags: the state is what carries them.
        var fresh = new AnomalyEngine(options, erased.Contains) { };
        fresh.LoadState(new JsonObject { ["last_seq"] = log[1_233].Seq, ["rules"] = new JsonObject() });
        Run(new AnomalyEngine(options, erased.Contains), log.Take(1_234)).Select(Show).Concat(Run(fresh, log.Skip(1_234)).Select(Show)).ShouldNotBe(whole);
    }

    [Fact]
    public void Engine_LoadState_Malformed_InvalidData()
    {
        var engine = Engine();
        Should.Throw<InvalidDataException>(() => engine.LoadState(new JsonObject()));
        Should.Throw<InvalidDataException>(() => engine.LoadState(new JsonObject { ["last_seq"] = 3L, ["rules"] = new JsonObject { ["unmask-burst/v1"] = new JsonObject { ["alice"] = 5 } } }));
    }
}

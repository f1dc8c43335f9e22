using System.Text.Json.Nodes;
using AuditPortal.Data.Projections;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.Projections;

/// <summary>
/// Bitemporal replay of a hand-written account stream with a correction and a late arrival, pure
/// and in memory: known states at known (T, K), and byte-identical output whatever the input order.
/// </summary>
public sealed class AsOfEngineTests
{
    private static readonly StreamKey Account = new("account", "acc-000001");
    private static readonly DateTime D0 = new(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly IProjection Projection = new AccountProjection();

    private static Guid Id(int n) => new($"00000000-0000-7000-8000-{n:000000000000}");

    internal static ProjectionEvent E(int streamSeq, string action, DateTime occurred, DateTime recorded, string payload, int? supersedes = null) =>
        new(100 + streamSeq, streamSeq, Id(streamSeq), occurred, recorded, "svc:test", action, payload, supersedes is { } s ? Id(s) : null);

    private const string Envelope = """{"ct":"AAAA","enc":"A256GCM","iv":"BBBB","sub":"subj-000001"}""";

    // 1 opened, 2 deposit, 3 buy 10 US1 @ 50.00, 4 correction of 3 @ 51.00 recorded on day 2, 5 late buy of 5 US2
    // (business time day 0 12:00, recorded day 10), 6 a second correction (of 4) recorded on day 5.
    private static readonly ProjectionEvent[] Stream =
    [
        E(1, "account.opened", D0.AddHours(8), D0.AddHours(8),
            $$"""{"account_type":"individual","base_currency":"USD","holder_name":{{Envelope}},"status":"pending_kyc","subject_id":"subj-000001"}"""),
        E(2, "cash.deposited", D0.AddHours(9), D0.AddHours(9),
            """{"amount":"1000.00","balance_after":"1000.00","currency":"USD","method":"wire","reference":"dep-1"}"""),
        E(3, "trade.executed", D0.AddHours(10), D0.AddHours(10),
            """{"amount":"500.00","commission":"1.00","currency":"USD","isin":"US1","price":"50.0000","quantity":"10","side":"buy","trade_id":"t-1"}"""),
        E(4, "trade.corrected", D0.AddDays(2), D0.AddDays(2),
            """{"amount":"510.00","commission":"1.00","currency":"USD","isin":"US1","price":"51.0000","quantity":"10","reason":"venue","side":"buy","trade_id":"t-1"}""", 3),
        E(5, "trade.executed", D0.AddHours(12), D0.AddDays(10),
            """{"amount":"100.00","commission":"0.50","currency":"USD","isin":"US2","price":"20.0000","quantity":"5","side":"buy","trade_id":"t-2"}"""),
        E(6, "trade.corrected", D0.AddDays(5), D0.AddDays(5),
            """{"amount":"505.00","commission":"1.00","currency":"USD","isin":"US1","price":"50.5000","quantity":"10","reason":"venue again","side":"buy","trade_id":"t-1"}""", 4),
    ];

    private static AsOfState At(DateTime t, DateTime k, IEnumerable<ProjectionEvent>? events = null) =>
        AsOfEngine.Replay(Account, events ?? Stream, t, k, Projection);

    private static JsonObject State(AsOfState s) => s.ToJsonObject();

    [Fact]
    public void Replay_BeforeCorrectionIsKnown_OriginalTradeApplied()
    {
        var s = At(D0.AddDays(1), D0.AddDays(1));

        s.Json.ShouldBe("""{"account_type":"individual","base_currency":"USD","cash_balance":"1000.00","cash_currency":"USD","holder_name":{"ct":"AAAA","enc":"A256GCM","iv":"BBBB","sub":"subj-000001"},"last_trade_id":"t-1","opened_at":"2024-03-01T08:00:00.000000Z","positions":{"US1":"10"},"status":"pending_kyc","subject_id":"subj-000001","totals":{"bought":"500.00","commissions":"1.00","deposits":"1000.00"},"trade_count":1}""");
        s.ProjectionVersion.ShouldBe("account/1");
        s.Applied.Select(a => a.StreamSeq).ShouldBe([1, 2, 3]);
        s.Excluded.Select(x => (x.StreamSeq, x.Reason)).ShouldBe(
            [(4, ExcludedReason.RecordedAfterK), (5, ExcludedReason.RecordedAfterK), (6, ExcludedReason.RecordedAfterK)]);
        s.BusinessAfterSystem.ShouldBeFalse();
    }

    [Fact]
    public void Replay_CorrectionRecordedBeforeK_ReplacesOriginalInItsPlace()
    {
        var s = At(D0.AddDays(1), D0.AddDays(3));

        State(s)["totals"]!["bought"]!.GetValue<string>().ShouldBe("510.00");
        State(s)["trade_count"]!.GetValue<long>().ShouldBe(1);
        s.Applied.Select(a => (a.StreamSeq, a.Reason, a.InPlaceOf)).ShouldBe(
            [(1, AppliedReason.Applied, null), (2, AppliedReason.Applied, null), (4, AppliedReason.AppliedAsCorrection, (Guid?)Id(3))]);
        s.Excluded.Select(x => (x.StreamSeq, x.Reason, x.SupersededBy)).ShouldBe(
            [(3, ExcludedReason.Superseded, (Guid?)Id(4)), (5, ExcludedReason.RecordedAfterK, null), (6, ExcludedReason.RecordedAfterK, null)]);
    }

    [Fact]
    public void Replay_ChainedCorrections_LastKnownAppliedEachSupersededByItsSuccessor()
    {
        var s = At(D0.AddDays(1), D0.AddDays(6));

        State(s)["totals"]!["bought"]!.GetValue<string>().ShouldBe("505.00");
        s.Applied.Single(a => a.Reason == AppliedReason.AppliedAsCorrection).ShouldSatisfyAllConditions(
            a => a.StreamSeq.ShouldBe(6), a => a.InPlaceOf.ShouldBe(Id(3)));
        s.Excluded.Where(x => x.Reason == ExcludedReason.Superseded).Select(x => (x.StreamSeq, x.SupersededBy))
            .ShouldBe([(3, (Guid?)Id(4)), (4, (Guid?)Id(6))]);
    }

    [Fact]
    public void Replay_LateArrival_ExcludedUntilRecordedThenAppliedAtItsBusinessTime()
    {
        var before = At(D0.AddDays(1), D0.AddDays(9));
        var after = At(D0.AddDays(1), D0.AddDays(11));

        before.Excluded.Single(x => x.StreamSeq == 5).Reason.ShouldBe(ExcludedReason.RecordedAfterK);
        State(before)["positions"]!.AsObject().ContainsKey("US2").ShouldBeFalse();
        State(after)["positions"]!["US2"]!.GetValue<string>().ShouldBe("5");
        State(after)["totals"]!["bought"]!.GetValue<string>().ShouldBe("605.00");
        // Business order: the late trade (day 0 12:00) comes after the corrected trade's slot (day 0 10:00).
        after.Applied.Select(a => a.StreamSeq).ShouldBe([1, 2, 6, 5]);
    }

    [Fact]
    public void Replay_BusinessTimeBeforeTrade_WholeCorrectionChainOccurredAfterT()
    {
        var s = At(D0.AddHours(9).AddMinutes(30), D0.AddDays(11));

        s.Applied.Select(a => a.StreamSeq).ShouldBe([1, 2]);
        s.Excluded.Select(x => (x.StreamSeq, x.Reason)).ShouldBe(
            [(3, ExcludedReason.OccurredAfterT), (4, ExcludedReason.OccurredAfterT), (5, ExcludedReason.OccurredAfterT), (6, ExcludedReason.OccurredAfterT)]);
    }

    [Fact]
    public void Replay_TAfterK_AllowedAndFlagged()
    {
        var s = At(D0.AddDays(30), D0.AddDays(1));

        s.BusinessAfterSystem.ShouldBeTrue();
        s.Applied.Select(a => a.StreamSeq).ShouldBe([1, 2, 3]);
    }

    [Fact]
    public void Replay_Twice_ByteIdentical()
    {
        var a = At(D0.AddDays(20), D0.AddDays(20));
        var b = At(D0.AddDays(20), D0.AddDays(20));

        b.Utf8().ShouldBe(a.Utf8());
        b.Applied.ShouldBe(a.Applied);
        b.Excluded.ShouldBe(a.Excluded);
    }

    [Fact]
    public void Replay_AnyInputOrder_SameBytesAndExplanation()
    {
        var points = new[] { (D0.AddDays(1), D0.AddDays(1)), (D0.AddDays(1), D0.AddDays(3)), (D0.AddDays(1), D0.AddDays(11)), (D0.AddDays(40), D0.AddDays(6)) };
        foreach (var (t, k) in points)
        {
            var expected = At(t, k);
            var random = new Random(20241121);
            for (var i = 0; i < 200; i++)
            {
                var shuffled = Stream.ToArray();
                random.Shuffle(shuffled);
                var s = At(t, k, shuffled);
                s.Utf8().ShouldBe(expected.Utf8(), $"permutation {i} at T={t:O} K={k:O}");
                s.Applied.ShouldBe(expected.Applied);
                s.Excluded.ShouldBe(expected.Excluded);
            }
        }
    }

    [Fact]
    public void Replay_RandomStreams_OutputIndependentOfInputOrder()
    {
        var random = new Random(7);
        for (var run = 0; run < 50; run++)
        {
            var events = new List<ProjectionEvent>();
            for (var n = 1; n <= 40; n++)
            {
                var recorded = D0.AddMinutes(n * 10);
                var occurred = recorded.AddMinutes(-random.Next(0, 3) * 600 - random.Next(0, 5)); // ties in business time on purpose
                var supersedes = n > 3 && random.Next(5) == 0 ? random.Next(1, n) : (int?)null;
                var side = random.Next(2) == 0 ? "buy" : "sell";
                events.Add(E(n, supersedes is null ? "trade.executed" : "trade.corrected", occurred, recorded,
                    $$"""{"amount":"{{random.Next(1, 999)}}.00","commission":"1.00","isin":"US{{random.Next(3)}}","quantity":"{{random.Next(1, 9)}}","side":"{{side}}","trade_id":"t-{{n}}"}""",
                    supersedes));
            }
            var t = D0.AddMinutes(random.Next(0, 500));
            var k = D0.AddMinutes(random.Next(0, 500));
            var expected = AsOfEngine.Replay(Account, events, t, k, Projection);
            var shuffled = events.ToArray();
            random.Shuffle(shuffled);
            var actual = AsOfEngine.Replay(Account, shuffled, t, k, Projection);
            actual.Json.ShouldBe(expected.Json, $"run {run}");
            actual.Applied.ShouldBe(expected.Applied);
            actual.Excluded.ShouldBe(expected.Excluded);
            (actual.Applied.Count + actual.Excluded.Count).ShouldBe(events.Count, "every event is either applied or explained");
        }
    }

    [Fact]
    public void Diff_BeforeAndAfterLateArrival_ListsExactPaths()
    {
        var changes = StateDiff.Compare(At(D0.AddDays(1), D0.AddDays(9)), At(D0.AddDays(1), D0.AddDays(11)));

        changes.ShouldBe(
        [
            new StateChange("/last_trade_id", ChangeKind.Changed, "\"t-1\"", "\"t-2\""),
            new StateChange("/positions/US2", ChangeKind.Added, null, "\"5\""),
            new StateChange("/totals/bought", ChangeKind.Changed, "\"505.00\"", "\"605.00\""),
            new StateChange("/totals/commissions", ChangeKind.Changed, "\"1.00\"", "\"1.50\""),
            new StateChange("/trade_count", ChangeKind.Changed, "1", "2"),
        ]);
    }

    [Fact]
    public void Diff_EscapesPointerAndReportsRemovals()
    {
        var changes = StateDiff.Compare(JsonNode.Parse("""{"a/b":1,"c~":{"x":[1,2]},"gone":true}"""), JsonNode.Parse("""{"a/b":2,"c~":{"x":[1,3]}}"""));

        changes.ShouldBe(
        [
            new StateChange("/a~1b", ChangeKind.Changed, "1", "2"),
            new StateChange("/c~0/x", ChangeKind.Changed, "[1,2]", "[1,3]"),
            new StateChange("/gone", ChangeKind.Removed, "true", null),
        ]);
    }
}

using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Data.Projections;
using AuditPortal.Verification.Ledger;
using static AuditPortal.Tests.Data.Projections.AsOfEngineTests;

namespace AuditPortal.Tests.Data.Projections;

/// <summary>
/// The optimised <see cref="AsOfEngine"/> (payload-text fast path, no LINQ over the whole stream) against
/// <see cref="ReferenceAsOfEngine"/>, the engine as first written: the same state bytes, projection version,
/// applied list and excluded list, over every stream of a generated demo ledger at several (T, K) points and
/// over hand-made payloads that the fast path must hand back to the general one.
/// </summary>
public sealed class AsOfEngineEquivalenceTests
{
    private static readonly Lazy<Dictionary<StreamKey, List<ProjectionEvent>>> DemoStreams = new(() => Streams(30_000));

    /// <summary>A demo ledger as the replica would hold it (canonical payloads; personal fields in clear, unused by the folds).</summary>
    private static Dictionary<StreamKey, List<ProjectionEvent>> Streams(long events)
    {
        var streams = new Dictionary<StreamKey, List<ProjectionEvent>>();
        long seq = 0;
        foreach (var e in new DemoLedgerGenerator(seed: 7).Events(events))
        {
            var key = new StreamKey(e.StreamType, e.StreamId);
            if (!streams.TryGetValue(key, out var list))
                streams[key] = list = [];
            seq++;
            list.Add(new ProjectionEvent(seq, list.Count + 1, e.EventId!.Value, e.OccurredAt, e.RecordedAt!.Value, e.Actor, e.Action,
                e.Payload.ToString(), e.Supersedes));
        }
        return streams;
    }

    private static void ShouldMatchReference(StreamKey stream, IReadOnlyList<ProjectionEvent> events, DateTime t, DateTime k)
    {
        var projection = ProjectionCatalog.Demo.For(stream.Type);
        var reference = ReferenceAsOfEngine.Replay(stream, events, t, k, projection);
        foreach (var payloadText in new[] { true, false })
        {
            var actual = AsOfEngine.Replay(stream, events, t, k, projection, payloadText);
            var at = $"{stream.Type}/{stream.Id} at T={t:O} K={k:O} (payload text {payloadText})";
            actual.Json.ShouldBe(reference.Json, at);
            actual.ProjectionVersion.ShouldBe(reference.ProjectionVersion, at);
            actual.BusinessAfterSystem.ShouldBe(reference.BusinessAfterSystem, at);
            actual.Applied.ShouldBe(reference.Applied, at);
            actual.Excluded.ShouldBe(reference.Excluded, at);
        }
    }

    [Fact]
    public void Replay_EveryDemoStream_SameAsReferenceAtSeveralPoints()
    {
        var streams = DemoStreams.Value;
        streams.Keys.Select(s => s.Type).Distinct().Count().ShouldBeGreaterThanOrEqualTo(5); // every projection is exercised
        var corrections = 0;
        foreach (var (stream, events) in streams)
        {
            corrections += events.Count(e => e.Supersedes is not null);
            var first = events[0].RecordedAt;
            var last = events[^1].RecordedAt;
            var middle = first + (last - first) / 2;
            ShouldMatchReference(stream, events, last.AddDays(1), last.AddDays(1));          // everything known and applied
            ShouldMatchReference(stream, events, middle, last);                             // business time cut, corrections known
            ShouldMatchReference(stream, events, middle, middle);                           // knowledge cut: late arrivals left out
            ShouldMatchReference(stream, events, last, middle.AddDays(-20));                // T after K
        }
        corrections.ShouldBeGreaterThan(100); // the demo's trade, cash, tax and vote corrections are in the sample
    }

    [Fact]
    public void TryApplyText_DemoTradesAndCash_TakeTheTextPath()
    {
        // Otherwise the equivalence above would hold trivially, with every event on the general path.
        var account = new AccountProjection();
        var events = DemoStreams.Value.Where(s => s.Key.Type == "account").SelectMany(s => s.Value)
            .Where(e => e.Action.StartsWith("trade.", StringComparison.Ordinal) || e.Action.StartsWith("cash.", StringComparison.Ordinal))
            .ToList();
        events.Count.ShouldBeGreaterThan(10_000);
        events.ShouldAllBe(e => account.TryApplyText(account.Initial(), e, e.PayloadJson));
        account.TryApplyText(account.Initial(), events[0] with { Action = "account.opened" }, events[0].PayloadJson).ShouldBeFalse();
    }

    [Fact]
    public void Replay_HotAccountShuffled_SameAsReference()
    {
        var (stream, events) = DemoStreams.Value.Where(s => s.Key.Type == "account").MaxBy(s => s.Value.Count);
        events.Count.ShouldBeGreaterThan(2_000);
        var shuffled = events.ToArray();
        new Random(11).Shuffle(shuffled);
        var last = events[^1].RecordedAt;
        ShouldMatchReference(stream, shuffled, last, last);
        ShouldMatchReference(stream, shuffled, last.AddDays(-3), last.AddDays(-1));
    }

    private static readonly DateTime D0 = new(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Payloads the text path must read exactly as the parsed path does, or hand over to it.</summary>
    [Theory]
    [InlineData("trade.executed", """{"amount":"10.00","commission":"0.10","isin":"US\u0031","quantity":"1","side":"b\u0075y","trade_id":"T\"1"}""")] // escapes
    [InlineData("trade.executed", """{"amount":10,"commission":null,"isin":["US1"],"quantity":"+2","side":"sell"}""")]                                     // non-strings, no trade_id
    [InlineData("trade.executed", """{"amount":"1e3","commission":" 1.00","isin":"US1","quantity":"-3","side":"buy","trade_id":null}""")]                   // unparsable amounts count 0
    [InlineData("trade.corrected", """{"nested":{"isin":"US9","amount":"99.00"},"isin":"US1","quantity":"5","side":"buy","amount":"5.00"}""")]              // same names nested: ignored
    [InlineData("trade.executed", """{"isin":"US1","isin":"US2","quantity":"5","side":"buy"}""")]                                                             // duplicate member
    [InlineData("trade.executed", """[{"isin":"US1"}]""")]                                                                                                     // not an object
    [InlineData("cash.deposited", """{"amount":"5.00","balance_after":"5.00","currency":"EUR"}""")]
    [InlineData("cash.deposited", """{"amount":"5.00","balance_after":5,"currency":null}""")]                                                                 // JSON null currency is taken
    [InlineData("cash.fee_charged", """{"amount":"1.00"}""")]                                                                                                  // no currency: not taken
    [InlineData("cash.withdrawn", """{"amount":"1.00","currency":{"code":"USD"}}""")]                                                                          // object currency: general path
    [InlineData("cash.withdrawn", """{"amount":"1.00","currency":7}""")]
    [InlineData("cash.corrected", """{"amount":"2.00","corrects_action":"cash.fee_charged","currency":"USD"}""")]
    [InlineData("cash.dividend_paid", """{"amount":"0.50","balance_after":"100.50","currency":"USD","isin":"US1"}""")]
    public void Replay_UnusualPayload_SameAsReference(string action, string payload)
    {
        var stream = new StreamKey("account", "acc-edge");
        ProjectionEvent[] events =
        [
            E(1, "cash.deposited", D0, D0, """{"amount":"100.00","balance_after":"100.00","currency":"USD"}"""),
            E(2, "trade.executed", D0.AddHours(1), D0.AddHours(1), """{"amount":"20.00","commission":"1.00","isin":"US1","quantity":"2","side":"buy","trade_id":"T0"}"""),
            E(3, action, D0.AddHours(2), D0.AddHours(2), payload),
            E(4, "trade.executed", D0.AddHours(3), D0.AddHours(3), """{"amount":"20.00","commission":"1.00","isin":"US1","quantity":"2","side":"sell","trade_id":"T9"}"""),
        ];
        var reference = Outcome(() => ReferenceAsOfEngine.Replay(stream, events, D0.AddDays(1), D0.AddDays(1), new AccountProjection()).Json);
        var actual = Outcome(() => AsOfEngine.Replay(stream, events, D0.AddDays(1), D0.AddDays(1), new AccountProjection()).Json);
        actual.ShouldBe(reference);
    }

    [Theory]
    [InlineData("trade.executed", """{"isin":"US1","quantity":"5","side":"buy"} x""")]
    [InlineData("cash.deposited", """{"amount":"5.00",""")]
    public void Replay_MalformedPayload_FailsLikeReference(string action, string payload)
    {
        var stream = new StreamKey("account", "acc-edge");
        ProjectionEvent[] events = [E(1, action, D0, D0, payload)];
        var reference = Outcome(() => ReferenceAsOfEngine.Replay(stream, events, D0.AddDays(1), D0.AddDays(1), new AccountProjection()).Json);
        reference.ShouldStartWith("throws ");
        Outcome(() => AsOfEngine.Replay(stream, events, D0.AddDays(1), D0.AddDays(1), new AccountProjection()).Json).ShouldBe(reference);
    }

    private static string Outcome(Func<string> replay)
    {
        try
        {
            return replay();
        }
        catch (Exception ex)
        {
            return "throws " + ex.GetType().FullName;
        }
    }
}

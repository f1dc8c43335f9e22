using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Timeline;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Ledger;
using static AuditPortal.Tests.Data.Timeline.TimelineLedgerFixture;

namespace AuditPortal.Tests.Data.Timeline;

/// <summary>As-of state of an account written with the real appender, read as the reader role.</summary>
public sealed class AsOfReplayDatabaseTests(TimelineLedgerFixture ledger) : IClassFixture<TimelineLedgerFixture>
{
    private static readonly StreamKey AccountStream = new("account", Account);

    private async Task<AsOfState> At(DateTimeOffset? t, DateTimeOffset? k, StreamKey? stream = null)
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        return await new AsOfReplay(ProjectionCatalog.Demo, new FakeTimeProvider(new DateTimeOffset(Base.AddDays(1))))
            .ReplayAsync(session.Connection, session.Transaction, stream ?? AccountStream, t, k);
    }

    [Fact]
    public async Task Correction_IgnoredBeforeItIsRecorded_AppliedAfter()
    {
        // The correction was recorded at minute 19, the late trade at minute 18.
        var before = await At(Base.AddDays(1), RecordedAt(17));
        var after = await At(Base.AddDays(1), RecordedAt(19));

        before.ToJsonObject()["totals"]!["bought"]!.GetValue<string>().ShouldBe("1200.00");
        before.Excluded.Select(x => (x.EventId, x.Reason)).ShouldBe(
            [(ledger.Ids["late"], ExcludedReason.RecordedAfterK), (ledger.Ids["correction"], ExcludedReason.RecordedAfterK)]);
        after.ToJsonObject()["totals"]!["bought"]!.GetValue<string>().ShouldBe("1305.00");
        after.ToJsonObject()["trade_count"]!.GetValue<long>().ShouldBe(13);
        after.Excluded.Select(x => (x.EventId, x.Reason, x.SupersededBy)).ShouldBe(
            [(ledger.Ids["trade-2"], ExcludedReason.Superseded, (Guid?)ledger.Ids["correction"])]);
        after.Applied.Single(a => a.EventId == ledger.Ids["correction"]).InPlaceOf.ShouldBe(ledger.Ids["trade-2"]);

        // Between the two K both the late trade (+10 shares, +100.00) and the correction (+5.00) became known.
        StateDiff.Compare(before, after).Select(c => (c.Path, c.After)).ShouldBe(
            [("/positions/US0000000001", "\"130\""), ("/totals/bought", "\"1305.00\""), ("/totals/commissions", "\"13.00\""), ("/trade_count", "13")]);
    }

    [Fact]
    public async Task LateArrival_OccurredBeforeTButRecordedAfterK_Excluded()
    {
        // T after the late trade's business time (30 days back) but K before it was recorded.
        var s = await At(Base.AddDays(-10), RecordedAt(17));

        s.Excluded.Single(x => x.EventId == ledger.Ids["late"]).Reason.ShouldBe(ExcludedReason.RecordedAfterK);
        s.Applied.ShouldBeEmpty("nothing else had happened 10 days before the base time");
        var known = await At(Base.AddDays(-10), RecordedAt(18));
        known.Applied.Select(a => a.EventId).ShouldBe([ledger.Ids["late"]]);
        known.ToJsonObject()["positions"]!["US0000000001"]!.GetValue<string>().ShouldBe("10");
    }

    [Fact]
    public async Task DefaultsToNow_AndTAfterKIsFlagged()
    {
        var now = await At(null, null);
        now.BusinessTime.ShouldBe(Base.AddDays(1));
        now.SystemTime.ShouldBe(Base.AddDays(1));
        now.BusinessAfterSystem.ShouldBeFalse();
        now.Applied.Count.ShouldBe(15);

        (await At(Base.AddDays(5), Base)).BusinessAfterSystem.ShouldBeTrue();
    }

    [Fact]
    public async Task SameInputs_ByteIdenticalFromTheDatabase()
    {
        var a = await At(Base.AddDays(1), Base.AddDays(1));
        var b = await At(Base.AddDays(1), Base.AddDays(1));

        b.Utf8().ShouldBe(a.Utf8());
        a.Json.ShouldNotContain("Zebediah");
        a.ToJsonObject()["holder_name"]!["enc"]!.GetValue<string>().ShouldBe("A256GCM");
    }

    [Fact]
    public async Task HostileParameters_GiveValidationErrors()
    {
        (await Should.ThrowAsync<QueryValidationException>(() => At(DateTimeOffset.MinValue, null))).ParamName.ShouldBe("t");
        (await Should.ThrowAsync<QueryValidationException>(() => At(null, DateTimeOffset.MaxValue))).ParamName.ShouldBe("k");
        (await Should.ThrowAsync<QueryValidationException>(() => At(null, null, new StreamKey("account", "a\0b")))).ParamName.ShouldBe("streamId");
        (await At(null, null, new StreamKey("account", "nobody"))).Applied.ShouldBeEmpty();
    }
}

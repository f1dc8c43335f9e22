using AuditPortal.Data.Projections;
using AuditPortal.Portal.Timeline;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Portal;

/// <summary>What the as-of page keeps of a replay: counts over every event, the listed rows, and the names those rows need.</summary>
public sealed class AsOfListingTests
{
    private static readonly DateTime T = new(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc);

    private static Guid Id(long n) => new($"00000000-0000-7000-8000-{n:D12}");

    [Fact]
    public void AHotStream_CountsEveryEvent_ListsTheLastAppliedAndFirstExcluded_AndNamesOnlyWhatTheyReferTo()
    {
        const int appliedCount = 1_200, excludedCount = 700;
        var applied = Enumerable.Range(1, appliedCount).Select(i => new AppliedEvent(Id(i), i, i, i % 4 == 0 ? "trade.executed" : "cash.deposited", T, T,
            i == appliedCount ? AppliedReason.AppliedAsCorrection : AppliedReason.Applied, i == appliedCount ? Id(5_000) : null)).ToList();
        var excluded = Enumerable.Range(1, excludedCount).Select(i => new ExcludedEvent(Id(5_000 + i - 1), 5_000 + i - 1, 5_000 + i - 1, "trade.executed", T, T,
            i == 2 ? ExcludedReason.Superseded : ExcludedReason.RecordedAfterK, i == 2 ? Id(3) : null)).ToList();
        var state = new AsOfState(new StreamKey("account", "acc-000001"), T, T, false, "{}", "account/1", applied, excluded);

        var listing = AsOfListing.Of(state);

        (listing.AppliedCount, listing.ExcludedCount, listing.StreamExists).ShouldBe((appliedCount, excludedCount, true));
        listing.AppliedByAction.ShouldBe([("cash.deposited", 900), ("trade.executed", 300)]);
        listing.ExcludedByReason.ShouldBe([(ExcludedReason.RecordedAfterK, 699), (ExcludedReason.Superseded, 1)]);
        listing.LastApplied.Count.ShouldBe(AsOfListing.ListLimit);
        listing.LastApplied[^1].StreamSeq.ShouldBe(appliedCount);
        listing.FirstExcluded.Count.ShouldBe(AsOfListing.ListLimit);
        listing.FirstExcluded[0].StreamSeq.ShouldBe(5_000);
        // The correction's place (an excluded event) and the superseding event (applied, not listed) are named by stream_seq.
        listing.SeqOf(Id(5_000)).ShouldBe("5000");
        listing.SeqOf(Id(3)).ShouldBe("3");
        listing.SeqOf(Guid.NewGuid()).ShouldBe("?");
        listing.StreamSeqs.Count.ShouldBe(2, "only the events the listed rows name, not the stream");
    }

    [Fact]
    public void NoEvents_IsNoStream()
    {
        var listing = AsOfListing.Of(new AsOfState(new StreamKey("account", "nobody"), T, T, false, "{}", "account/1", [], []));
        listing.StreamExists.ShouldBeFalse();
        listing.LastApplied.ShouldBeEmpty();
    }
}

using AuditPortal.Data.Reading;
using AuditPortal.Data.VerificationRuns;

namespace AuditPortal.Portal.Dashboard;

/// <summary>
/// The dashboard chart's two lines on one time axis: the ledger's size and the head verification had
/// reached, at the end of each of <c>buckets</c> equal intervals from the earliest point to the latest.
/// A gap between the lines is the ledger verification has not caught up with.
/// </summary>
public sealed record GrowthSeries(IReadOnlyList<DateTimeOffset> Times, IReadOnlyList<double> LedgerSize, IReadOnlyList<double> VerifiedHead)
{
    public const int DefaultBuckets = 12;

    public bool IsEmpty => Times.Count == 0;

    public static GrowthSeries Build(IReadOnlyList<LedgerGrowthPoint> growth, IReadOnlyList<VerifiedHead> passes, int buckets = DefaultBuckets)
    {
        ArgumentNullException.ThrowIfNull(growth);
        ArgumentNullException.ThrowIfNull(passes);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var times = growth.Select(g => g.RecordedAt).Concat(passes.Select(p => p.At)).ToList();
        if (times.Count == 0)
            return new GrowthSeries([], [], []);
        var (first, last) = (times.Min(), times.Max());
        var step = (last - first) / buckets;
        var ends = Enumerable.Range(1, buckets).Select(i => i == buckets ? last : first + step * i).Distinct().ToList();
        // Recording times are not strictly monotonic in seq (several appenders), so "the size at t" is the
        // largest seq recorded by t, not the seq of the last point before t.
        return new GrowthSeries(ends,
            ends.Select(t => (double)growth.Where(g => g.RecordedAt <= t).Select(g => g.Seq).DefaultIfEmpty(0).Max()).ToList(),
            ends.Select(t => (double)passes.Where(p => p.At <= t).Select(p => p.HeadSeq).DefaultIfEmpty(0).Max()).ToList());
    }
}

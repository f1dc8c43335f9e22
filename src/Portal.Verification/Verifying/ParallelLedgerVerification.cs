using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// Verifies [1, head] as k disjoint seq ranges concurrently, then merges them in order: the first
/// row of each range is linked to the last row of the ranges before it, each stream's first event
/// in a range to its last event before that range, and each checkpoint root inside a range is
/// rebuilt from the compact range of everything before the range plus the range's snapshot at
/// that size. The findings are those of one <see cref="LedgerVerifier"/> over the same rows.
/// </summary>
public static class ParallelLedgerVerification
{
    /// <summary>Splits [first, last] into at most <paramref name="parts"/> contiguous, non-empty ranges.</summary>
    public static IReadOnlyList<(long From, long To)> Split(long first, long last, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        var ranges = new List<(long, long)>();
        if (last < first)
            return ranges;
        var count = last - first + 1;
        var size = Math.Max(1, (count + parts - 1) / parts);
        for (var from = first; from <= last; from += size)
            ranges.Add((from, Math.Min(last, from + size - 1)));
        return ranges;
    }

    /// <param name="head">Last seq to verify (normally the ledger's max seq): commitments beyond it are truncation findings.</param>
    /// <param name="options">As for one verifier; <see cref="LedgerVerifierOptions.FirstSeq"/> must be 1.</param>
    public static async Task<VerificationResult> VerifyAsync(LedgerRowFeed feed, long head, int parallelism,
        LedgerVerifierOptions options, IProgress<VerificationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.FirstSeq != 1 || options.Mode != VerificationMode.Ledger)
            throw new ArgumentException("parallel verification covers the whole ledger from seq 1", nameof(options));
        var time = options.TimeProvider;
        var started = time.GetTimestamp();
        var ranges = Split(1, head, parallelism);
        var aggregate = progress is null ? null : new ProgressAggregate(ranges.Count, progress, time, options.ProgressInterval, started);

        var tasks = ranges.Select((range, i) => Task.Run(async () =>
        {
            var rangeOptions = options with { FirstSeq = range.From, PredecessorHash = null };
            var verifier = new LedgerVerifier(rangeOptions, aggregate?.For(i), range.To);
            var cancelled = await verifier.FeedAsync(feed, range.From, range.To, cancellationToken)
                .ConfigureAwait(false);
            return (Outcome: verifier.CompleteRange(), Cancelled: cancelled);
        }, cancellationToken)).ToArray();

        (RangeOutcome Outcome, bool Cancelled)[] outcomes;
        try
        {
            outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var elapsedSoFar = time.GetElapsedTime(started);
            return new VerificationResult(0, [], 0, 0, 0, null, null, elapsedSoFar, Cancelled: true);
        }

        var result = Merge(outcomes.Select(o => o.Outcome).ToList(), head, options, time.GetElapsedTime(started),
            outcomes.Any(o => o.Cancelled));
        aggregate?.Final(result);
        return result;
    }

    private static VerificationResult Merge(List<RangeOutcome> outcomes, long head, LedgerVerifierOptions options, TimeSpan elapsed, bool cancelled)
    {
        var findings = new List<Finding>();
        long total = 0;
        void Report(Finding f)
        {
            options.OnFinding?.Invoke(f);
            total++;
            findings.Add(f);
        }

        foreach (var f in Commitments.Audit(options))
            Report(f);

        var headSeq = outcomes.LastOrDefault(o => o.Last is not null)?.Last!.Value.Seq ?? 0;
        (long Seq, byte[] Hash) last = (0, HashHex.Zero);
        var streams = new Dictionary<StreamKey, StreamTail>();
        var prefix = CompactRange.Empty(0);
        long prefixCount = 0;
        long rows = 0;
        foreach (var range in outcomes)
        {
            rows += range.Rows;
            findings.AddRange(range.Findings);
            total += range.TotalFindings;
            if (range.FirstLink is { } first)
                Checks.GlobalLink(last.Seq, last.Hash, first.Seq, first.PrevHash, Report);
            foreach (var s in range.StreamFirsts)
            {
                var prevHash = s.StreamPrevHash;
                if (streams.TryGetValue(s.Stream, out var tail))
                    Checks.StreamLink(s.Stream, s.Seq, s.StreamSeq, s.EventId, prevHash, ref tail, Report);
                else
                    Checks.StreamStart(s.Stream, s.Seq, s.StreamSeq, prevHash, Report);
            }
            foreach (var (target, snapshot, localCount) in range.Snapshots)
            {
                if (target.Size > headSeq || cancelled)
                {
                    if (!cancelled)
                        Report(Checks.HeadTruncated(target, headSeq));
                    continue;
                }
                var count = prefixCount + localCount;
                Checks.TargetRoot(target, count, count == target.Size ? () => Joined(prefix, snapshot).RootHash() : null, Report);
            }
            if (range.Last is { } l)
                last = l;
            foreach (var (stream, tail) in range.StreamLasts)
                streams[stream] = tail;
            if (prefix.End == range.Tree.Begin)
                prefix.AppendRange(range.Tree);
            prefixCount += range.LeafCount;
        }
        if (!cancelled)
        {
            foreach (var target in Commitments.Targets(options).Where(t => t.Size > head))
                Report(Checks.HeadTruncated(target, headSeq));
        }
        // The ledger's root is only defined when every seq up to the head is present.
        var root = !cancelled && prefixCount == headSeq && prefix.End == prefixCount ? prefix.RootHash() : null;
        var kept = Finding.InReportOrder(findings).Take(options.MaxFindings).ToList();
        return new VerificationResult(rows, kept, total, LedgerVerifier.Rate(rows, elapsed), headSeq,
            headSeq > 0 ? last.Hash : null, root, elapsed, cancelled);
    }

    private static CompactRange Joined(CompactRange prefix, CompactRange snapshot)
    {
        var joined = prefix.Clone();
        joined.AppendRange(snapshot);
        return joined;
    }

    /// <summary>Sums the ranges' progress and passes it on at most once per interval.</summary>
    private sealed class ProgressAggregate(int ranges, IProgress<VerificationProgress> target, TimeProvider time,
        TimeSpan interval, long started)
    {
        private readonly VerificationProgress?[] latest = new VerificationProgress?[ranges];
        private readonly Lock gate = new();
        private readonly long startedAt = started;
        private long lastPublished = started;

        public IProgress<VerificationProgress> For(int index) => new RangeProgress(this, index);

        public void Final(VerificationResult result) =>
            target.Report(new VerificationProgress(result.Rows, result.RowsPerSecond, result.HeadSeq, result.TotalFindings, result.Elapsed));

        private void Update(int index, VerificationProgress value)
        {
            lock (gate)
            {
                latest[index] = value;
                var now = time.GetTimestamp();
                if (time.GetElapsedTime(lastPublished, now) < interval)
                    return;
                lastPublished = now;
                var elapsed = time.GetElapsedTime(startedAt, now);
                var rows = latest.Sum(p => p?.RowsDone ?? 0);
                target.Report(new VerificationProgress(rows, LedgerVerifier.Rate(rows, elapsed),
                    latest.Max(p => p?.CurrentSeq ?? 0), latest.Sum(p => p?.FindingsSoFar ?? 0), elapsed));
            }
        }

        private sealed class RangeProgress(ProgressAggregate owner, int index) : IProgress<VerificationProgress>
        {
            public void Report(VerificationProgress value) => owner.Update(index, value);
        }
    }
}

using AuditPortal.Data.Appending;

namespace AuditPortal.Data.Demo;

/// <summary>
/// Deterministic demo ledger for a brokerage: accounts with KYC, trades, cash, dividends, tax
/// forms, proxy votes and data subjects (docs/demo-domain.md). Same seed and options give
/// byte-identical events, ids and times included, on any runtime.
/// </summary>
/// <remarks>
/// Streaming: memory is bounded by <see cref="DemoOptions.AccountCap"/> and fixed-size queues,
/// not by the number of events. Every Supersedes and lineage input names an event produced
/// earlier in the sequence, so batches can be appended in order.
/// </remarks>
public sealed class DemoLedgerGenerator(int seed, DemoOptions options)
{
    private DemoRun? lastRun;

    public DemoLedgerGenerator(int seed) : this(seed, new DemoOptions()) { }

    public int Seed => seed;
    public DemoOptions Options => options;

    /// <summary>Exactly <paramref name="totalEvents"/> events, in batches of <paramref name="batchSize"/> (the last may be shorter).</summary>
    /// <remarks>Each enumeration starts over from the seed; batches are new lists, safe to keep.</remarks>
    public IEnumerable<IReadOnlyList<NewEvent>> Batches(long totalEvents, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalEvents);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        options.Validate();
        return Iterate(totalEvents, batchSize);
    }

    /// <summary>The events one by one, as <see cref="Batches"/> cuts them.</summary>
    public IEnumerable<NewEvent> Events(long totalEvents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalEvents);
        var run = new DemoRun(seed, options, totalEvents);
        lastRun = run;
        return run.Events();
    }

    /// <summary>
    /// Subjects whose <c>subject.erasure_requested</c> the latest enumeration has produced so far, in
    /// ledger order: the seeding step crypto-shreds their keys. Complete once that enumeration ends.
    /// </summary>
    public IReadOnlyList<string> ShreddedSubjects => lastRun?.ErasureRequested ?? [];

    /// <summary>The action whose stream id names a subject to shred.</summary>
    public const string ErasureAction = DemoRun.SubjectErasureRequested;

    private IEnumerable<IReadOnlyList<NewEvent>> Iterate(long totalEvents, int batchSize)
    {
        var batch = new List<NewEvent>((int)Math.Min(batchSize, Math.Max(totalEvents, 1)));
        foreach (var e in Events(totalEvents))
        {
            batch.Add(e);
            if (batch.Count == batchSize)
            {
                yield return batch;
                batch = new List<NewEvent>(batchSize);
            }
        }
        if (batch.Count > 0) yield return batch;
    }
}

using AuditPortal.Data.Demo;

namespace AuditPortal.Tests.Data.Demo;

/// <summary>Runs alone: GC.GetTotalMemory is process-wide, and the other demo tests hold 20,000 events each.</summary>
[CollectionDefinition(nameof(DemoLedgerGeneratorMemoryTests), DisableParallelization = true)]
public sealed class DemoMemoryCollection;

[Collection(nameof(DemoLedgerGeneratorMemoryTests))]
public sealed class DemoLedgerGeneratorMemoryTests
{
    [Fact]
    public void Batches_HalfMillionEvents_HeapStaysBounded()
    {
        const long total = 500_000;
        // Other test classes may keep data alive for the whole run (static fixtures): measure above that.
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var generator = new DemoLedgerGenerator(42);
        long produced = 0, first = 0, peak = 0;
        foreach (var batch in generator.Batches(total, 1_000))
        {
            produced += batch.Count;
            if (produced % 100_000 != 0) continue;
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            if (first == 0) first = heap;
            peak = Math.Max(peak, heap);
        }

        produced.ShouldBe(total);
        // Account state for 2,000 accounts, queues and one batch: a few MB, not growing with the events.
        (peak - baseline).ShouldBeLessThan(32L * 1024 * 1024);
        (peak - first).ShouldBeLessThan(8L * 1024 * 1024);
    }
}

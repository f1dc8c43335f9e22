using AuditPortal.Data.Demo;

namespace AuditPortal.Tests.Data.Demo;

public sealed class DemoLedgerGeneratorDeterminismTests(DemoLedgerFixture fixture) : IClassFixture<DemoLedgerFixture>
{
    [Fact]
    public void Batches_SameSeedAndOptions_ProduceIdenticalEvents()
    {
        var again = new DemoLedgerGenerator(42, new DemoOptions()).Batches(DemoLedgerFixture.Count, 777).SelectMany(b => b).ToList();

        again.Count.ShouldBe(fixture.Events.Count);
        for (var i = 0; i < again.Count; i++)
        {
            var expected = DemoLedgerFixture.Describe(fixture.Events[i]);
            var actual = DemoLedgerFixture.Describe(again[i]);
            if (expected != actual) actual.ShouldBe(expected, $"event {i} differs");
        }
    }

    [Fact]
    public void Batches_EnumeratedTwice_StartsOverFromTheSeed()
    {
        var generator = new DemoLedgerGenerator(42);
        var first = generator.Batches(500, 100).SelectMany(b => b).Select(DemoLedgerFixture.Describe).ToList();
        var second = generator.Batches(500, 100).SelectMany(b => b).Select(DemoLedgerFixture.Describe).ToList();

        second.ShouldBe(first);
    }

    [Fact]
    public void Batches_OtherSeed_ProducesOtherEvents()
    {
        var other = new DemoLedgerGenerator(43, new DemoOptions()).Batches(DemoLedgerFixture.Count, 1_000).SelectMany(b => b).ToList();

        other.Count.ShouldBe(fixture.Events.Count);
        var same = 0;
        for (var i = 0; i < other.Count; i++)
            if (DemoLedgerFixture.Describe(other[i]) == DemoLedgerFixture.Describe(fixture.Events[i])) same++;
        same.ShouldBe(0);
    }

    [Fact]
    public void Batches_CutsExactlyTotalEventsIntoBatchSize()
    {
        var sizes = new DemoLedgerGenerator(7).Batches(2_345, 1_000).Select(b => b.Count).ToList();

        sizes.ShouldBe([1_000, 1_000, 345]);
    }

    [Fact]
    public void Random_FixedAlgorithm_KnownFirstOutputs()
    {
        // xoshiro256** seeded by splitmix64(0), computed with an independent Python transcription: pins the algorithm so demo data never drifts.
        var random = new DemoRandom(0);
        var first = new[] { random.NextUInt64(), random.NextUInt64() };

        first.ShouldBe(Pinned);
    }

    private static readonly ulong[] Pinned = [0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL];
}

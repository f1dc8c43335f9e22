using System.Runtime.CompilerServices;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Verification.Verifying;

/// <summary>Runs alone: GC.GetTotalMemory is process-wide.</summary>
[CollectionDefinition(nameof(LedgerVerifierMemoryTests), DisableParallelization = true)]
public sealed class LedgerVerifierMemoryCollection;

/// <summary>
/// The single-pass verifier keeps one entry per distinct stream; a ledger whose stream count grows
/// with its length (the demo's does) must not cost it more than that entry (docs/performance.md §3).
/// </summary>
[Collection(nameof(LedgerVerifierMemoryTests))]
public sealed class LedgerVerifierMemoryTests
{
    private const int Streams = 50_000;

    // Key (shared stream type, its own 10-character id) plus a 64-byte tail, inline in the dictionary.
    private const double MaxBytesPerStream = 150;

    [Fact]
    public void Add_OneEventPerStream_RetainsAtMost150BytesPerStream()
    {
        var verifier = new LedgerVerifier(new LedgerVerifierOptions());
        var before = GC.GetTotalMemory(forceFullCollection: true);

        Feed(verifier, Streams);

        var after = GC.GetTotalMemory(forceFullCollection: true);
        verifier.Rows.ShouldBe(Streams);
        verifier.FindingCount.ShouldBe(0);
        var perStream = (after - before) / (double)Streams;
        perStream.ShouldBeLessThanOrEqualTo(MaxBytesPerStream, $"{perStream:F1} bytes retained per distinct stream");
        GC.KeepAlive(verifier);
    }

    // Not inlined, so no reference to the rows outlives it: what stays reachable is the verifier's.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Feed(LedgerVerifier verifier, int streams)
    {
        // Fresh strings per row, as the row reader produces them.
        foreach (var e in TestChain.Build(streams, streamOf: seq => new StreamKey(new string("account".AsSpan()), $"acc-{seq:D6}")))
            verifier.Add(e);
    }
}

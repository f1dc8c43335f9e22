using System.Runtime.CompilerServices;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Benchmarks.Verify;

/// <summary>
/// Bytes the verifier retains per distinct stream: GC heap after a full collection, before and after
/// feeding one correctly chained event to each of N streams (demo-like keys: account/acc-NNNNNN),
/// with no reference to the rows left. Also the client CPU per row of that run.
/// </summary>
internal static class StreamMemory
{
    public static (double BytesPerStream, long Findings) Measure(int streams)
    {
        var verifier = new LedgerVerifier(new LedgerVerifierOptions());
        var before = GC.GetTotalMemory(forceFullCollection: true);
        Feed(verifier, streams);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(verifier);
        return ((after - before) / (double)streams, verifier.FindingCount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Feed(LedgerVerifier verifier, int streams)
    {
        var prev = HashHex.Zero;
        for (var seq = 1L; seq <= streams; seq++)
        {
            var e = new LedgerEvent
            {
                Seq = seq,
                EventId = Guid.CreateVersion7(),
                StreamType = new string("account".AsSpan()),
                StreamId = $"acc-{seq:D6}",
                StreamSeq = 1,
                OccurredAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                RecordedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                Actor = "svc",
                Action = "account.opened",
                SchemaVersion = 1,
                PayloadJson = "{}",
                PrevHash = prev,
                StreamPrevHash = HashHex.Zero,
            };
            e = e with { Hash = EventRecord.LeafHash(e) };
            verifier.Add(e);
            prev = e.Hash!;
        }
    }
}

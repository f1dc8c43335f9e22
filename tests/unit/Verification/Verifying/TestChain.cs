using System.Security.Cryptography;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Verifying;

/// <summary>Builds small, deterministic, correctly chained ledgers for verifier tests.</summary>
internal static class TestChain
{
    public static readonly StreamKey[] Streams = [new("account", "a"), new("account", "b"), new("tax_form", "c")];

    private static readonly DateTime Epoch = new(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);

    /// <summary>
    /// Rows 1..<paramref name="count"/>, stream of row k = Streams[(k − 1) % 3]. <paramref name="mutate"/>
    /// runs on each row after its links are set and before it is hashed, so a mutation is consistently
    /// hashed into the chain (what a forger with write access could do).
    /// </summary>
    public static List<LedgerEvent> Build(int count, Func<LedgerEvent, LedgerEvent>? mutate = null, Func<long, StreamKey>? streamOf = null)
    {
        var events = new List<LedgerEvent>(count);
        var streamTails = new Dictionary<StreamKey, (long StreamSeq, byte[] Hash)>();
        var prev = HashHex.Zero;
        for (var seq = 1; seq <= count; seq++)
        {
            var stream = streamOf?.Invoke(seq) ?? Streams[(seq - 1) % Streams.Length];
            var tail = streamTails.GetValueOrDefault(stream, (0, HashHex.Zero));
            var e = new LedgerEvent
            {
                Seq = seq,
                EventId = Id(seq),
                StreamType = stream.Type,
                StreamId = stream.Id,
                StreamSeq = tail.StreamSeq + 1,
                OccurredAt = Epoch.AddMinutes(seq),
                RecordedAt = Epoch.AddMinutes(seq).AddTicks(10),
                Actor = "svc-ledger",
                Action = "trade.executed",
                SchemaVersion = 1,
                PayloadJson = $$"""{"amount":{{seq * 10}},"currency":"EUR"}""",
                PrevHash = prev,
                StreamPrevHash = tail.Hash,
            };
            if (mutate is not null)
                e = mutate(e);
            e = e with { Hash = EventRecord.LeafHash(e) };
            events.Add(e);
            prev = e.Hash!;
            streamTails[e.Stream] = (e.StreamSeq, e.Hash!);
        }
        return events;
    }

    public static Guid Id(long seq) => new($"0190a000-0000-7000-8000-{seq:D12}");

    /// <summary>Reference Merkle Tree Hash (RFC 9162 §2.1.1), literally recursive.</summary>
    public static byte[] Root(IReadOnlyList<LedgerEvent> events, long size) =>
        Mth(events.Take((int)size).Select(e => EventRecord.LeafHash(e)).ToArray());

    private static byte[] Mth(byte[][] leaves)
    {
        if (leaves.Length == 0)
            return SHA256.HashData(ReadOnlySpan<byte>.Empty);
        if (leaves.Length == 1)
            return leaves[0];
        var k = 1;
        while (k * 2 < leaves.Length)
            k *= 2;
        return SHA256.HashData([0x01, .. Mth(leaves[..k]), .. Mth(leaves[k..])]);
    }

    public static SignedCheckpoint Checkpoint(CheckpointSigner signer, IReadOnlyList<LedgerEvent> events, long size) =>
        signer.Sign(new Checkpoint("ledger/test", size, Root(events, size), Epoch.AddDays(1)));

    public static WitnessEntry Witness(SignedCheckpoint signed) =>
        new(WitnessDirectory.FileStem(signed.Checkpoint.Size) + ".txt", signed, null);
}

using AuditPortal.Verification.StreamHeads;
using System.Text;
using System.Security.Cryptography;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Verifying;

/// <summary>Builds small, deterministic, correctly chained ledgers for verifier tests.</summary>
internal static class TestChain
{
    public static readonly StreamKey[] Streams = [new("account", "a"), new("account", "b"), new("tax_form", "c")];

    public static readonly DateTime Epoch = new(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);

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

    /// <summary>A format 2 checkpoint: the root and the reference stream-head commitment at <paramref name="size"/>.</summary>
    public static SignedCheckpoint CheckpointV2(CheckpointSigner signer, IReadOnlyList<LedgerEvent> events, long size) =>
        signer.Sign(new Checkpoint("ledger/test", size, Root(events, size), Epoch.AddDays(1), StreamHeadsReference(events, size)));

    /// <summary>
    /// Reference stream-head commitment (docs/ledger-format.md §4.1), written from the spec text: the last event of
    /// each stream among the first <paramref name="size"/>, leaves u32 len ‖ type ‖ u32 len ‖ id ‖ u64 stream_seq ‖
    /// leaf hash, sorted by type then id as UTF-8 bytes, MTH over them.
    /// </summary>
    public static StreamHeadCommitment StreamHeadsReference(IReadOnlyList<LedgerEvent> events, long size)
    {
        var heads = new Dictionary<(string, string), LedgerEvent>();
        foreach (var e in events.Take((int)size))
            heads[(e.StreamType, e.StreamId)] = e;
        var leaves = heads.Values
            .Select(e => (Type: Encoding.UTF8.GetBytes(e.StreamType), Id: Encoding.UTF8.GetBytes(e.StreamId), Event: e))
            .OrderBy(x => x.Type, ByteOrder).ThenBy(x => x.Id, ByteOrder)
            .Select(x =>
            {
                var leaf = new List<byte>();
                leaf.AddRange(BigEndian((ulong)x.Type.Length, 4));
                leaf.AddRange(x.Type);
                leaf.AddRange(BigEndian((ulong)x.Id.Length, 4));
                leaf.AddRange(x.Id);
                leaf.AddRange(BigEndian((ulong)x.Event.StreamSeq, 8));
                leaf.AddRange(EventRecord.LeafHash(x.Event));
                return SHA256.HashData([0x00, .. leaf]);
            })
            .ToArray();
        return new StreamHeadCommitment(leaves.Length, Mth(leaves));
    }

    private static readonly Comparer<byte[]> ByteOrder = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));

    private static byte[] BigEndian(ulong value, int bytes) =>
        Enumerable.Range(0, bytes).Select(i => (byte)(value >> (8 * (bytes - 1 - i)))).ToArray();

    public static WitnessEntry Witness(SignedCheckpoint signed) =>
        new(WitnessDirectory.FileStem(signed.Checkpoint.Size) + ".txt", signed, null);
}

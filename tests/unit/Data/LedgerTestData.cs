using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Verification.Ledger;
using AuditPortal.Data.Reading;
using Npgsql;

namespace AuditPortal.Tests.Data;

/// <summary>Builds test events and reads the ledger back for assertions.</summary>
internal static class LedgerTestData
{
    public static readonly DateTimeOffset Start = new(2024, 3, 1, 9, 30, 0, TimeSpan.Zero);

    public static NewEvent Event(string streamId, int n, string? idempotencyKey = null, string streamType = "account") => new()
    {
        StreamType = streamType,
        StreamId = streamId,
        OccurredAt = Start.UtcDateTime.AddSeconds(n),
        Actor = "svc-test",
        Action = "trade.executed",
        ClientAddress = "10.0.0.1",
        Payload = new JsonObject
        {
            ["n"] = n,
            ["amount"] = n.ToString(CultureInfo.InvariantCulture) + ".00",
            ["currency"] = "EUR",
        },
        IdempotencyKey = idempotencyKey,
    };

    /// <summary>Every row, ordered by seq, as the format's record (with the stored hash).</summary>
    public static async Task<List<LedgerEvent>> ReadAllAsync(string connectionString)
    {
        // The production reader maps the rows; what the callers check (both chains, recomputed
        // hashes) is computed here from scratch, not by the verifier.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var rows = new List<LedgerEvent>();
        await foreach (var row in new LedgerRowReader(dataSource).ReadRangeAsync(1, long.MaxValue))
            rows.Add(row);
        return rows;
    }

    /// <summary>
    /// Asserts both chains and both sequences from scratch: seq 1..N, every stream 1..M, every
    /// stored hash equal to the recomputed leaf hash, every link equal to its predecessor's hash.
    /// </summary>
    public static void AssertChainsIntact(IReadOnlyList<LedgerEvent> rows)
    {
        var previous = HashHex.Zero;
        var streams = new Dictionary<StreamKey, (long Seq, byte[] Hash)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var e = rows[i];
            e.Seq.ShouldBe(i + 1, $"global seq gap before row {i}");
            HashHex.ToHex(e.Hash!).ShouldBe(HashHex.ToHex(EventRecord.LeafHash(e)), $"stored hash of seq {e.Seq}");
            HashHex.ToHex(e.PrevHash).ShouldBe(HashHex.ToHex(previous), $"prev_hash of seq {e.Seq}");
            var (streamSeq, streamPrev) = streams.TryGetValue(e.Stream, out var s) ? s : (0L, HashHex.Zero);
            e.StreamSeq.ShouldBe(streamSeq + 1, $"stream_seq of seq {e.Seq} in {e.Stream}");
            HashHex.ToHex(e.StreamPrevHash).ShouldBe(HashHex.ToHex(streamPrev), $"stream_prev_hash of seq {e.Seq}");
            streams[e.Stream] = (e.StreamSeq, e.Hash!);
            previous = e.Hash!;
        }
    }

    /// <summary>RFC 9162 §2.1.1 MTH, literally and recursively, as the reference for the appender's incremental one.</summary>
    public static byte[] ReferenceRoot(IReadOnlyList<byte[]> leafHashes, int start, int count)
    {
        if (count == 0)
            return SHA256.HashData([]);
        if (count == 1)
            return leafHashes[start];
        var k = 1;
        while (k * 2 < count)
            k *= 2;
        var left = ReferenceRoot(leafHashes, start, k);
        var right = ReferenceRoot(leafHashes, start + k, count - k);
        return SHA256.HashData([0x01, .. left, .. right]);
    }
}

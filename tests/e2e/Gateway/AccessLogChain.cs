using AuditPortal.Verification.Ledger;
using AuditPortal.Data.Reading;
using Npgsql;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>Reads the access-log chain of a portal database and checks it from scratch.</summary>
internal static class AccessLogChain
{
    public static async Task<IReadOnlyList<LedgerEvent>> ReadAsync(string connectionString)
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
    /// Every finding, empty when intact: seq 1..N without gap, each stored hash equal to the recomputed
    /// <see cref="EventRecord.LeafHash"/>, each prev_hash the predecessor's hash (no fork), and the same
    /// for every stream's stream_seq and stream_prev_hash.
    /// </summary>
    public static IReadOnlyList<string> Findings(IReadOnlyList<LedgerEvent> rows)
    {
        var findings = new List<string>();
        var previous = HashHex.Zero;
        var streams = new Dictionary<StreamKey, (long Seq, byte[] Hash)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var e = rows[i];
            var where = $"seq {e.Seq}";
            if (e.Seq != i + 1)
                findings.Add($"{where}: got seq {e.Seq}, want {i + 1} (gap)");
            var leaf = EventRecord.LeafHash(e);
            if (!leaf.AsSpan().SequenceEqual(e.Hash))
                findings.Add($"{where}: stored hash {HashHex.ToHex(e.Hash)} != recomputed {HashHex.ToHex(leaf)}");
            if (!e.PrevHash.AsSpan().SequenceEqual(previous))
                findings.Add($"{where}: prev_hash {HashHex.ToHex(e.PrevHash)} != predecessor's hash {HashHex.ToHex(previous)} (fork)");
            var (streamSeq, streamPrev) = streams.GetValueOrDefault(e.Stream, (0L, HashHex.Zero));
            if (e.StreamSeq != streamSeq + 1)
                findings.Add($"{where}: stream {e.Stream} seq {e.StreamSeq}, want {streamSeq + 1}");
            if (!e.StreamPrevHash.AsSpan().SequenceEqual(streamPrev))
                findings.Add($"{where}: stream {e.Stream} stream_prev_hash does not link its predecessor");
            streams[e.Stream] = (e.StreamSeq, leaf);
            previous = leaf;
        }
        return findings;
    }
}

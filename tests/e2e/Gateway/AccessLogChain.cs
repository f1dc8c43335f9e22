using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>Reads the access-log chain of a portal database and checks it from scratch.</summary>
internal static class AccessLogChain
{
    public static async Task<IReadOnlyList<LedgerEvent>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT seq, event_id, stream_type, stream_id, stream_seq, occurred_at, recorded_at, actor, action, client_address,
                   schema_version, payload, supersedes, lineage_inputs, rule_id, rule_version, idempotency_key,
                   prev_hash, stream_prev_hash, hash
            FROM ledger.events ORDER BY seq
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<LedgerEvent>();
        while (await reader.ReadAsync())
        {
            rows.Add(new LedgerEvent
            {
                Seq = reader.GetInt64(0),
                EventId = reader.GetGuid(1),
                StreamType = reader.GetString(2),
                StreamId = reader.GetString(3),
                StreamSeq = reader.GetInt64(4),
                OccurredAt = reader.GetFieldValue<DateTime>(5),
                RecordedAt = reader.GetFieldValue<DateTime>(6),
                Actor = reader.GetString(7),
                Action = reader.GetString(8),
                ClientAddress = reader.IsDBNull(9) ? null : reader.GetString(9),
                SchemaVersion = reader.GetInt32(10),
                PayloadJson = reader.GetString(11),
                Supersedes = reader.IsDBNull(12) ? null : reader.GetGuid(12),
                Lineage = reader.IsDBNull(13) ? null
                    : new LedgerLineage(reader.GetFieldValue<Guid[]>(13), reader.GetString(14), reader.GetString(15)),
                IdempotencyKey = reader.IsDBNull(16) ? null : reader.GetString(16),
                PrevHash = reader.GetFieldValue<byte[]>(17),
                StreamPrevHash = reader.GetFieldValue<byte[]>(18),
                Hash = reader.GetFieldValue<byte[]>(19),
            });
        }
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

using System.Globalization;
using System.Runtime.CompilerServices;
using AuditPortal.Verification.Merkle;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.Proofs;

/// <summary>
/// Streams the stored leaf hashes (the <c>hash</c> column) of a seq range in order with a binary COPY
/// over the primary-key index: 40 bytes a row, no OFFSET paging, constant memory. Proofs are built from
/// these, so a gap is an error here — the verifier is what reports it as a finding.
/// </summary>
public sealed class LeafHashReader(NpgsqlDataSource dataSource)
{
    /// <summary>Leaf hashes of seq 1..<paramref name="size"/> (leaves [0, size)).</summary>
    public IAsyncEnumerable<(long Index, byte[] LeafHash)> ReadAsync(long size, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return ReadRangeAsync(new LeafRange(0, size), ct);
    }

    /// <summary>Leaf hashes of leaves [range.Begin, range.End), i.e. seq range.Begin + 1 .. range.End.</summary>
    public async IAsyncEnumerable<(long Index, byte[] LeafHash)> ReadRangeAsync(LeafRange range,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(range.Begin);
        ArgumentOutOfRangeException.ThrowIfLessThan(range.End, range.Begin);
        if (range.Size == 0)
            yield break;
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT seq, hash FROM ledger.events WHERE seq > {range.Begin} AND seq <= {range.End} ORDER BY seq) TO STDOUT (FORMAT binary)");
        await using var export = await connection.BeginBinaryExportAsync(sql, ct).ConfigureAwait(false);
        long expected = range.Begin + 1;
        while (await export.StartRowAsync(ct).ConfigureAwait(false) != -1)
        {
            var seq = await export.ReadAsync<long>(NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            var hash = await export.ReadAsync<byte[]>(NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
            if (seq != expected)
                throw new InvalidDataException($"the ledger has no event at seq {expected} (next is {seq}): run 'auditportal ledger verify'");
            expected++;
            yield return (seq - 1, hash);
        }
        if (expected - 1 != range.End)
            throw new InvalidDataException(range.Begin == 0
                ? $"the ledger holds {expected - 1} events, fewer than the tree size {range.End}"
                : $"the ledger has no event at seq {expected}, needed for leaves {range}");
    }

    /// <summary>
    /// Leaf hashes of several disjoint leaf ranges, sorted by begin, in one query (one primary-key range scan per
    /// range): what a batch of cached proofs needs. A missing row is an error, as in <see cref="ReadRangeAsync"/>.
    /// </summary>
    public async Task<Dictionary<long, byte[]>> ReadRangesAsync(IReadOnlyList<LeafRange> ranges, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var leaves = new Dictionary<long, byte[]>();
        if (ranges.Count == 0)
            return leaves;
        for (var i = 0; i < ranges.Count; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(ranges[i].Begin);
            if (ranges[i].Size <= 0 || (i > 0 && ranges[i].Begin < ranges[i - 1].End))
                throw new ArgumentException($"ranges must be non-empty, sorted and disjoint: {ranges[i]}", nameof(ranges));
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        // COPY takes no parameters: the bounds are formatted from longs.
        var begins = string.Join(',', ranges.Select(r => r.Begin.ToString(CultureInfo.InvariantCulture)));
        var ends = string.Join(',', ranges.Select(r => r.End.ToString(CultureInfo.InvariantCulture)));
        var sql = $$"""
            COPY (SELECT e.seq, e.hash FROM unnest('{{{begins}}}'::bigint[], '{{{ends}}}'::bigint[]) AS r(lo, hi)
                  CROSS JOIN LATERAL (SELECT seq, hash FROM ledger.events WHERE seq > r.lo AND seq <= r.hi) e
                  ORDER BY e.seq) TO STDOUT (FORMAT binary)
            """;
        await using (var export = await connection.BeginBinaryExportAsync(sql, ct).ConfigureAwait(false))
        {
            while (await export.StartRowAsync(ct).ConfigureAwait(false) != -1)
            {
                var seq = await export.ReadAsync<long>(NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                leaves[seq - 1] = await export.ReadAsync<byte[]>(NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
            }
        }
        foreach (var range in ranges)
        {
            for (var i = range.Begin; i < range.End; i++)
            {
                if (!leaves.ContainsKey(i))
                    throw new InvalidDataException($"the ledger has no event at seq {i + 1}, needed for leaves {range}: run 'auditportal ledger verify'");
            }
        }
        return leaves;
    }

    /// <summary>All leaf hashes of seq 1..size in memory (32 bytes each), for many proofs against one tree.</summary>
    public async Task<byte[][]> ReadAllAsync(long size, CancellationToken ct = default)
    {
        var hashes = new byte[size][];
        await foreach (var (index, hash) in ReadAsync(size, ct).ConfigureAwait(false))
            hashes[index] = hash;
        return hashes;
    }
}

using AuditPortal.Verification.Verifying;
using Npgsql;

namespace AuditPortal.Data.Lineage;

/// <summary>
/// The lineage reads (docs/lineage.md): backward (an output's rule and inputs), forward impact (every output
/// that used an event, transitively, through V005's <c>ledger.lineage_edges</c>), staleness, and the
/// ledger-wide stale outputs. SELECT only, on the caller's connection and read-only transaction (the gateway's).
/// </summary>
public sealed class LineageQuery
{
    /// <summary>Derivation steps a forward walk follows at most (the demo's deepest chain is 1; a ledger's could be longer).</summary>
    public const int MaxImpactDepth = 64;

    /// <summary>
    /// Only events with <c>seq</c> ≤ this: the ledger as it stood when an earlier page was read (the ledger is append-only),
    /// for re-running it ("what did they see", docs/access-log-review.md); null: the ledger as it is. Bounds every event
    /// read (outputs, inputs, corrections, edges by their output's seq).
    /// </summary>
    public long? LedgerSize { get; init; }

    private long Bound => LedgerSize ?? long.MaxValue;

    private NpgsqlParameter<long> BoundParameter => new() { TypedValue = Bound };

    /// <summary>The event with <paramref name="eventId"/>, or null.</summary>
    public async Task<LineageNode?> NodeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid eventId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {LineageNodes.Columns("e")} FROM ledger.events e WHERE e.event_id = $1 AND e.seq <= $2",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        command.Parameters.Add(BoundParameter);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? LineageNodes.Read(reader, 0) : null;
    }

    /// <summary>
    /// The backward lineage of each of <paramref name="outputs"/> (event ids) that exists; an event without lineage
    /// has no inputs. One statement for the inputs of all of them, one for the corrections recorded after them.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, BackwardLineage>> BackwardAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyCollection<Guid> outputs, CancellationToken ct)
    {
        var nodes = new Dictionary<Guid, LineageNode>();
        var inputs = new Dictionary<Guid, List<(int Ordinal, Guid Id, LineageNode? Node)>>();
        await using (var command = new NpgsqlCommand($"""
            SELECT {LineageNodes.Columns("o")}, i.ord, i.input, {LineageNodes.Columns("e")}
            FROM ledger.events o
            LEFT JOIN LATERAL unnest(o.lineage_inputs) WITH ORDINALITY AS i(input, ord) ON true
            LEFT JOIN LATERAL (SELECT * FROM ledger.events t WHERE t.event_id = i.input AND t.seq <= $2 LIMIT 1) e ON true
            WHERE o.event_id = ANY($1) AND o.seq <= $2
            ORDER BY o.seq, i.ord
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = outputs.ToArray() });
            command.Parameters.Add(BoundParameter);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                // Each input's row repeats its output's columns: the output is read (and its payload summarised) once.
                var outputId = reader.GetGuid(1);
                if (!nodes.ContainsKey(outputId))
                {
                    nodes[outputId] = LineageNodes.Read(reader, 0)!;
                    inputs[outputId] = [];
                }
                if (!reader.IsDBNull(LineageNodes.Count))
                    inputs[outputId].Add(((int)reader.GetInt64(LineageNodes.Count), reader.GetGuid(LineageNodes.Count + 1),
                        LineageNodes.Read(reader, LineageNodes.Count + 2)));
            }
        }

        var corrections = await CorrectionsAfterAsync(connection, transaction, Bound,
            inputs.SelectMany(kv => kv.Value.Select(i => (Output: nodes[kv.Key].Seq, i.Id))).ToList(), ct);
        var result = new Dictionary<Guid, BackwardLineage>();
        foreach (var (id, output) in nodes)
        {
            var list = inputs[id].Select(i => new LineageInput(i.Ordinal, i.Id, i.Node,
                corrections.TryGetValue((output.Seq, i.Id), out var c) ? c : [],
                FindingsOf(output, i.Id, i.Node))).ToList();
            result[id] = new BackwardLineage(output, list);
        }
        return result;
    }

    /// <summary>The lineage integrity findings of one input, by the verifier's own rules and messages (<see cref="ReferenceCheck"/>).</summary>
    public static IReadOnlyList<Finding> FindingsOf(LineageNode output, Guid input, LineageNode? node)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (node is null)
            return [ReferenceCheck.DanglingLineageInput(output.Seq, output.Stream, output.StreamSeq, input)];
        var findings = new List<Finding>();
        if (node.Seq > output.Seq)
            findings.Add(ReferenceCheck.LineageInputAfterOutput(output.Seq, output.Stream, output.StreamSeq, input, node.Seq));
        if (node.Rule is { Known: false } rule)
            findings.Add(ReferenceCheck.LineageInputUnknownRule(output.Seq, output.Stream, output.StreamSeq, input, node.Seq, rule.Id, rule.Version));
        return findings;
    }

    /// <summary>For each (output seq, input): the corrections superseding the input that were recorded after the output.</summary>
    private static async Task<Dictionary<(long, Guid), List<LineageNode>>> CorrectionsAfterAsync(NpgsqlConnection connection,
        NpgsqlTransaction? transaction, long bound, IReadOnlyList<(long Output, Guid Input)> pairs, CancellationToken ct)
    {
        var result = new Dictionary<(long, Guid), List<LineageNode>>();
        if (pairs.Count == 0)
            return result;
        await using var command = new NpgsqlCommand($"""
            SELECT p.output_seq, p.input, {LineageNodes.Columns("c")}
            FROM unnest($1::bigint[], $2::uuid[]) AS p(output_seq, input)
            JOIN ledger.events c ON c.supersedes = p.input AND c.seq > p.output_seq AND c.seq <= $3
            ORDER BY p.output_seq, c.seq
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = pairs.Select(p => p.Output).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = pairs.Select(p => p.Input).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = bound });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = (reader.GetInt64(0), reader.GetGuid(1));
            if (!result.TryGetValue(key, out var list))
                result[key] = list = [];
            list.Add(LineageNodes.Read(reader, 2)!);
        }
        return result;
    }

    /// <summary>
    /// The seqs among <paramref name="outputSeqs"/> that are stale, each with the corrections that made it so
    /// (the timeline's badge). One statement; an output without lineage is never stale.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<LineageNode>>> StaleAmongAsync(NpgsqlConnection connection,
        NpgsqlTransaction? transaction, IReadOnlyCollection<long> outputSeqs, CancellationToken ct)
    {
        var result = new Dictionary<long, IReadOnlyList<LineageNode>>();
        if (outputSeqs.Count == 0)
            return result;
        await using var command = new NpgsqlCommand($"""
            SELECT o.seq, {LineageNodes.Columns("c")}
            FROM ledger.events o
            CROSS JOIN LATERAL unnest(o.lineage_inputs) AS i(input)
            JOIN ledger.events c ON c.supersedes = i.input AND c.seq > o.seq AND c.seq <= $2
            WHERE o.seq = ANY($1) AND o.lineage_inputs IS NOT NULL
            ORDER BY o.seq, c.seq
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = outputSeqs.ToArray() });
        command.Parameters.Add(BoundParameter);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var lists = new Dictionary<long, List<LineageNode>>();
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            if (!lists.TryGetValue(seq, out var list))
                lists[seq] = list = [];
            list.Add(LineageNodes.Read(reader, 1)!);
        }
        foreach (var (seq, list) in lists)
            result[seq] = list;
        return result;
    }

    /// <summary>
    /// Every event derived from <paramref name="input"/>, directly or through other derived events, ordered by
    /// seq: the page after <paramref name="afterSeq"/> (0: the first) of at most <paramref name="size"/> rows,
    /// and how many there are, counted up to <see cref="ImpactCountCap"/>. Null when <paramref name="input"/> is not in the ledger.
    /// </summary>
    /// <remarks>
    /// A recursive walk over <c>ledger.lineage_edges</c> (index-only: the edge carries the output's id). Each step
    /// only follows edges to a later seq, so a tampered cycle cannot loop; at most <see cref="MaxImpactDepth"/> steps.
    /// Each output is listed once, at its shortest depth. The walk stops at a bound: the seq of the
    /// (<paramref name="size"/>+1)-th direct output after <paramref name="afterSeq"/> (one range of V005's index).
    /// Those direct outputs are in the impact, so the page's rows all lie at or below it; and every output at or below
    /// it is reached through outputs with smaller seqs, all within the bound, at the same shortest depth. So a page
    /// reads the edges up to its own last row, not the whole impact (10,000 edges for an input 10,000 outputs used).
    /// </remarks>
    public async Task<ImpactPage?> ForwardAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid input, long afterSeq, int size,
        CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (await NodeAsync(connection, transaction, input, ct) is not { } start)
            return null;
        await using var command = new NpgsqlCommand($"""
            WITH RECURSIVE bound(seq) AS (
              SELECT coalesce((SELECT le.output_seq FROM ledger.lineage_edges le WHERE le.input_id = $1 AND le.output_seq > $2
                               AND le.output_seq <= $4 ORDER BY le.output_seq OFFSET $3 - 1 LIMIT 1), $4)
            ),
            impact(output_id, output_seq, depth, via) AS (
              SELECT le.output_id, le.output_seq, 1, le.input_id
              FROM ledger.lineage_edges le, bound WHERE le.input_id = $1 AND le.output_seq <= bound.seq
              UNION
              SELECT le.output_id, le.output_seq, impact.depth + 1, le.input_id
              FROM impact JOIN ledger.lineage_edges le ON le.input_id = impact.output_id AND le.output_seq > impact.output_seq, bound
              WHERE impact.depth < {MaxImpactDepth} AND le.output_seq <= bound.seq
            ),
            closure AS (
              SELECT DISTINCT ON (output_seq) output_seq, depth, via FROM impact ORDER BY output_seq, depth, via
            ),
            page AS (
              SELECT * FROM closure WHERE output_seq > $2 ORDER BY output_seq LIMIT $3
            )
            SELECT page.depth, page.via, {LineageNodes.Columns("e")}
            FROM page JOIN ledger.events e ON e.seq = page.output_seq
            ORDER BY page.output_seq
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = input });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size + 1 });
        command.Parameters.Add(BoundParameter);
        var rows = new List<ImpactRow>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                rows.Add(new ImpactRow(LineageNodes.Read(reader, 2)!, reader.GetInt32(0), reader.GetGuid(1)));
        }
        var total = await CountImpactAsync(connection, transaction, input, Bound, ct);
        var more = rows.Count > size;
        if (more)
            rows.RemoveAt(rows.Count - 1);
        return new ImpactPage(start, rows, Math.Min(total, ImpactCountCap), more ? rows[^1].Output.Seq : null, total > ImpactCountCap);
    }

    /// <summary>The forward impact is counted up to this many outputs; beyond, pages say "1,000+" (like text search's capped count).</summary>
    public const int ImpactCountCap = 1_000;

    /// <summary>
    /// The outputs in <paramref name="input"/>'s impact, up to <see cref="ImpactCountCap"/> + 1. Each output is visited
    /// once (the walk keeps no depth), and PostgreSQL evaluates a recursive query only as far as the LIMIT asks, so an
    /// input with 10,000 outputs costs 1,001 index entries, not 10,000 and their own outputs' probes.
    /// </summary>
    private static async Task<long> CountImpactAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid input, long bound, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            WITH RECURSIVE impact(output_id, output_seq) AS (
              SELECT le.output_id, le.output_seq FROM ledger.lineage_edges le WHERE le.input_id = $1 AND le.output_seq <= $2
              UNION
              SELECT le.output_id, le.output_seq
              FROM impact JOIN ledger.lineage_edges le ON le.input_id = impact.output_id AND le.output_seq > impact.output_seq AND le.output_seq <= $2
            )
            SELECT count(*) FROM (SELECT 1 FROM impact LIMIT {ImpactCountCap + 1}) capped
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = input });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = bound });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The ledger's stale outputs, one row per (output, correction of one of its inputs recorded after it), newest
    /// correction first: the page after <paramref name="after"/> (null: the first) of at most <paramref name="size"/>.
    /// </summary>
    /// <remarks>
    /// Walks the corrections (events with <c>supersedes</c>) backwards from the head and probes V005's edges of the
    /// event each supersedes for outputs recorded before it: one index probe per correction, no scan of the outputs.
    /// </remarks>
    public async Task<StalePage> StaleOutputsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StaleCursor? after, int size,
        CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        await using var command = new NpgsqlCommand($"""
            WITH page AS (
              SELECT c.seq AS correction_seq, le.output_seq, le.input_ord, le.input_id
              FROM ledger.events c
              JOIN ledger.lineage_edges le ON le.input_id = c.supersedes AND le.output_seq < c.seq
              WHERE c.supersedes IS NOT NULL AND c.seq <= $5
                AND (c.seq, le.output_seq, le.input_ord) < ($1, $2, $3)
              ORDER BY c.seq DESC, le.output_seq DESC, le.input_ord DESC
              LIMIT $4
            )
            SELECT page.input_ord, page.input_id,
                   (SELECT s.event_id FROM ledger.events s WHERE s.supersedes = o.event_id AND s.seq <= $5 ORDER BY s.seq LIMIT 1),
                   {LineageNodes.Columns("o")}, {LineageNodes.Columns("c")}
            FROM page
            JOIN ledger.events o ON o.seq = page.output_seq
            JOIN ledger.events c ON c.seq = page.correction_seq
            ORDER BY page.correction_seq DESC, page.output_seq DESC, page.input_ord DESC
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after?.CorrectionSeq ?? long.MaxValue });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after?.OutputSeq ?? long.MaxValue });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = after?.InputOrdinal ?? int.MaxValue });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size + 1 });
        command.Parameters.Add(BoundParameter);
        var rows = new List<StaleRow>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                rows.Add(new StaleRow(LineageNodes.Read(reader, 3)!, reader.GetInt32(0), reader.GetGuid(1),
                    LineageNodes.Read(reader, 3 + LineageNodes.Count)!, reader.IsDBNull(2) ? null : reader.GetGuid(2)));
        }
        StaleCursor? next = null;
        if (rows.Count > size)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = new StaleCursor(last.Correction.Seq, last.Output.Seq, last.InputOrdinal);
        }
        return new StalePage(rows, next);
    }
}

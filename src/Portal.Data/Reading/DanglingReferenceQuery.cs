using AuditPortal.Data.Rules;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Npgsql;

namespace AuditPortal.Data.Reading;

/// <summary>
/// The checks that need an index over the whole ledger rather than one pass: supersedes and lineage
/// inputs that name no event (anti-joins), lineage inputs recorded after their output or derived by a rule
/// version this code does not have (<see cref="RuleRegistry"/>), and event_ids used more than once. Same findings as the
/// in-memory <see cref="ReferenceCheck"/>.
/// </summary>
public sealed class DanglingReferenceQuery(NpgsqlDataSource dataSource)
{
    private const string DanglingSupersedes = """
        SELECT e.seq, e.stream_type, e.stream_id, e.stream_seq, e.supersedes
        FROM ledger.events e
        WHERE e.supersedes IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ledger.events t WHERE t.event_id = e.supersedes)
        ORDER BY e.seq
        """;

    // Lineage integrity in one pass over the derived events, one index probe per input (LATERAL … LIMIT 1; as
    // NOT EXISTS the planner hashed every event_id of the ledger: 1.3 s instead of 0.7 s of one core at 1M
    // events). Returns the inputs that name no event, that were recorded after their output, or that were
    // themselves derived (whose rule version the code may not have: checked here, RuleRegistry is not SQL).
    private const string LineageInputs = """
        SELECT e.seq, e.stream_type, e.stream_id, e.stream_seq, i.input, f.seq, f.rule_id, f.rule_version
        FROM ledger.events e
        CROSS JOIN LATERAL unnest(e.lineage_inputs) WITH ORDINALITY AS i(input, ord)
        LEFT JOIN LATERAL (SELECT t.seq, t.rule_id, t.rule_version FROM ledger.events t WHERE t.event_id = i.input LIMIT 1) f ON true
        WHERE e.lineage_inputs IS NOT NULL AND (f.seq IS NULL OR f.seq > e.seq OR f.rule_id IS NOT NULL)
        ORDER BY e.seq, i.ord
        """;

    private const string DuplicateIds = """
        SELECT seq, stream_type, stream_id, stream_seq, event_id, first_seq
        FROM (SELECT seq, stream_type, stream_id, stream_seq, event_id,
                     min(seq) OVER (PARTITION BY event_id) AS first_seq
              FROM ledger.events
              WHERE event_id IN (SELECT event_id FROM ledger.events GROUP BY event_id HAVING count(*) > 1)) d
        WHERE seq <> first_seq
        ORDER BY seq
        """;

    public async Task<IReadOnlyList<Finding>> FindAsync(CancellationToken cancellationToken = default)
    {
        var findings = new List<Finding>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // These queries run beside the row stream, which already keeps a core busy on each side: parallel
        // workers would only take the other core too (from the portal's pages, when a run is live there).
        await using (var serial = new NpgsqlCommand("SET LOCAL max_parallel_workers_per_gather = 0", connection, transaction))
            await serial.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await Run(connection, DanglingSupersedes, r =>
            ReferenceCheck.DanglingSupersedes(r.GetInt64(0), Stream(r), r.GetInt64(3), r.GetGuid(4)), findings, cancellationToken).ConfigureAwait(false);
        await ReadAsync(connection, LineageInputs, r => findings.AddRange(LineageFindings(r)), cancellationToken).ConfigureAwait(false);
        await Run(connection, DuplicateIds, r =>
            ReferenceCheck.DuplicateEventId(r.GetGuid(4), r.GetInt64(5), r.GetInt64(0), Stream(r), r.GetInt64(3)), findings, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Finding.InReportOrder(findings);
    }

    private static StreamKey Stream(NpgsqlDataReader r) => new(r.GetString(1), r.GetString(2));

    /// <summary>The findings of one row of <see cref="LineageInputs"/>: the same rules as <see cref="ReferenceCheck"/>'s.</summary>
    private static IEnumerable<Finding> LineageFindings(NpgsqlDataReader r)
    {
        var (seq, stream, streamSeq, input) = (r.GetInt64(0), Stream(r), r.GetInt64(3), r.GetGuid(4));
        if (r.IsDBNull(5))
        {
            yield return ReferenceCheck.DanglingLineageInput(seq, stream, streamSeq, input);
            yield break;
        }
        var inputSeq = r.GetInt64(5);
        if (inputSeq > seq)
            yield return ReferenceCheck.LineageInputAfterOutput(seq, stream, streamSeq, input, inputSeq);
        if (!r.IsDBNull(6) && !RuleRegistry.IsKnown(r.GetString(6), r.GetString(7)))
            yield return ReferenceCheck.LineageInputUnknownRule(seq, stream, streamSeq, input, inputSeq, r.GetString(6), r.GetString(7));
    }

    private static Task Run(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, Finding> map, List<Finding> into,
        CancellationToken cancellationToken) => ReadAsync(connection, sql, r => into.Add(map(r)), cancellationToken);

    private static async Task ReadAsync(NpgsqlConnection connection, string sql, Action<NpgsqlDataReader> each, CancellationToken cancellationToken)
    {
        // Each statement reads the whole ledger (or access log) at once: on 20M events and a busy host that took longer
        // than Npgsql's default 30 s and failed the run. A run ends when its token is cancelled, not on a clock.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            each(reader);
    }
}

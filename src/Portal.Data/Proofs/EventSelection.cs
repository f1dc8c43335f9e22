using AuditPortal.Verification.Evidence;
using Npgsql;

namespace AuditPortal.Data.Proofs;

/// <summary>
/// The events of an export that spans several streams (docs/evidence-pdf.md, "Scopes"): a case's starred events, or an
/// output with its lineage closure. One rule, read here once, decides which seqs they are up to a checkpoint's size — for
/// the export dialog's preview and for the evidence set (<see cref="ProofService.EventSetAsync"/>) alike.
/// </summary>
public abstract record EventSelection
{
    /// <summary>How the evidence set's <c>scope</c> names it (docs/ledger-format.md §8.8).</summary>
    public abstract EvidenceSetScope Scope { get; }

    /// <summary>
    /// The selected events' seqs, ascending, up to <paramref name="size"/>; more than <see cref="ProofService.MaxSetEvents"/>
    /// throws <see cref="InvalidOperationException"/> (nothing is proved or shown of an unbounded selection).
    /// </summary>
    public async Task<IReadOnlyList<long>> SeqsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long size, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        Bind(command);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ProofService.MaxSetEvents + 1 });
        var seqs = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                seqs.Add(reader.GetInt64(0));
        }
        if (seqs.Count > ProofService.MaxSetEvents)
            throw new InvalidOperationException($"{this} holds more than {ProofService.MaxSetEvents:N0} events: export fewer (an evidence set holds at most that many)");
        seqs.Sort();
        return seqs;
    }

    /// <summary>The statement: $1 its own parameter, $2 the checkpoint size, $3 the limit.</summary>
    private protected abstract string Sql { get; }

    private protected abstract void Bind(NpgsqlCommand command);
}

/// <summary>The events a case has starred (their ids from the workspace), as far as the checkpoint covers them.</summary>
/// <param name="Case">The case as the set names it (title and reference).</param>
public sealed record StarredEvents(string Case, IReadOnlyList<Guid> EventIds) : EventSelection
{
    public override EvidenceSetScope Scope => new() { Kind = EvidenceSet.Starred, Case = Case, Output = null };

    private protected override string Sql => "SELECT seq FROM ledger.events WHERE event_id = ANY($1) AND seq <= $2 ORDER BY seq LIMIT $3";

    private protected override void Bind(NpgsqlCommand command) => command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. EventIds] });

    public override string ToString() => $"the starred events of {Case}";
}

/// <summary>
/// An output and every event it was derived from, recursively (each input's own inputs, docs/lineage.md), as far as the
/// checkpoint covers them: empty when the output itself is beyond the checkpoint.
/// </summary>
public sealed record LineageClosure(Guid Output, string? Case) : EventSelection
{
    public override EvidenceSetScope Scope => new() { Kind = EvidenceSet.Lineage, Case = Case, Output = Output.ToString("D") };

    // UNION (not UNION ALL) keeps each event once, so a diamond or a cycle ends; the limit stops a runaway closure early.
    private protected override string Sql => """
        WITH RECURSIVE closure(event_id) AS (
            SELECT event_id FROM ledger.events WHERE event_id = $1 AND seq <= $2
            UNION
            SELECT i.input FROM closure c
            JOIN ledger.events e ON e.event_id = c.event_id
            CROSS JOIN LATERAL unnest(e.lineage_inputs) AS i(input)
        )
        SELECT e.seq FROM (SELECT event_id FROM closure LIMIT $3) c JOIN ledger.events e ON e.event_id = c.event_id WHERE e.seq <= $2
        """;

    private protected override void Bind(NpgsqlCommand command) => command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Output });

    public override string ToString() => $"the lineage closure of {Output:D}";
}

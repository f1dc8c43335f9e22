using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Rules;
using Npgsql;

namespace AuditPortal.Data.Lineage;

/// <summary>What a replay found (docs/lineage.md, "Replay").</summary>
public enum ReplayOutcome
{
    /// <summary>The rule over the recorded inputs gives the recorded payload, byte for byte.</summary>
    Reproduced,

    /// <summary>The rule over the recorded inputs gives another payload (see the changes).</summary>
    Differs,

    /// <summary>The event carries no lineage: nothing derived it.</summary>
    NotDerived,

    /// <summary>The code has no such rule version.</summary>
    UnknownRule,

    /// <summary>An input is not in the ledger.</summary>
    InputMissing,

    /// <summary>The rule refused the inputs (a malformed amount, inputs of two accounts).</summary>
    RuleRefused,
}

/// <param name="Payload">Canonical JSON of what the rule gives; null when it gave nothing.</param>
/// <param name="Changes">Field by field, recorded output → this payload (JSON Pointer paths).</param>
/// <param name="Problem">Why there is no payload.</param>
public sealed record ReplayRun(string? Payload, IReadOnlyList<StateChange> Changes, string? Problem);

/// <summary>An input as it stands today: <paramref name="Today"/> is the last correction of the recorded input (itself when uncorrected).</summary>
public sealed record ReplayInput(int Ordinal, Guid Recorded, LineageNode? Today)
{
    public bool Corrected => Today is not null && Today.EventId != Recorded;
}

/// <summary>
/// The replay of one derived event: (a) the recorded rule version over the recorded inputs, which must give the
/// recorded payload byte for byte; (b) the same rule over the inputs as corrected today, as changes against it.
/// </summary>
public sealed record ReplayResult(LineageNode Output, ReplayOutcome Outcome, string RecordedPayload, ReplayRun? Recorded,
    IReadOnlyList<ReplayInput> Inputs, ReplayRun? Today)
{
    public bool Reproduced => Outcome == ReplayOutcome.Reproduced;
}

/// <summary>
/// Replays derived events with the rules of <see cref="RuleRegistry"/> (pure: same inputs, same bytes). Two
/// statements: the recorded inputs with their payloads, and each input's latest correction.
/// </summary>
public sealed class LineageReplay
{
    /// <summary>
    /// Only events with <c>seq</c> ≤ this: the ledger as it stood when an earlier replay was made, for re-running it
    /// ("what did they see", docs/access-log-review.md); "today" is then the ledger at that size. Null: the ledger as it is.
    /// </summary>
    public long? LedgerSize { get; init; }

    /// <summary>The replay of <paramref name="eventId"/>; null when it is not in the ledger.</summary>
    public async Task<ReplayResult?> ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid eventId, CancellationToken ct)
    {
        LineageNode? output = null;
        string? payload = null;
        Guid[]? inputIds = null;
        await using (var command = new NpgsqlCommand($"SELECT {LineageNodes.Columns("e")}, e.payload, e.lineage_inputs FROM ledger.events e WHERE e.event_id = $1 AND e.seq <= $2",
                         connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LedgerSize ?? long.MaxValue });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                output = LineageNodes.Read(reader, 0);
                payload = reader.GetString(LineageNodes.Count);
                inputIds = reader.IsDBNull(LineageNodes.Count + 1) ? null : reader.GetFieldValue<Guid[]>(LineageNodes.Count + 1);
            }
        }
        if (output is null || payload is null)
            return null;
        if (output.Rule is not { } lineage || inputIds is null)
            return new ReplayResult(output, ReplayOutcome.NotDerived, payload, null, [], null);

        var bound = LedgerSize ?? long.MaxValue;
        var recorded = await InputsAsync(connection, transaction, inputIds, latest: false, bound, ct);
        var today = await InputsAsync(connection, transaction, inputIds, latest: true, bound, ct);
        var replayInputs = inputIds.Select((id, i) => new ReplayInput(i + 1, id, today[i]?.Node)).ToList();
        if (RuleRegistry.Find(lineage.Id, lineage.Version, out var problem) is not { } rule)
            return new ReplayResult(output, ReplayOutcome.UnknownRule, payload, new ReplayRun(null, [], problem), replayInputs, null);
        if (recorded.Any(r => r is null))
        {
            var missing = inputIds.Where((_, i) => recorded[i] is null).Select(id => id.ToString());
            return new ReplayResult(output, ReplayOutcome.InputMissing, payload,
                new ReplayRun(null, [], "the ledger has no input " + string.Join(", ", missing)), replayInputs, null);
        }

        var first = Run(rule, recorded!, payload);
        var second = Run(rule, today!, payload);
        var outcome = first.Problem is not null ? ReplayOutcome.RuleRefused
            : string.Equals(first.Payload, payload, StringComparison.Ordinal) ? ReplayOutcome.Reproduced : ReplayOutcome.Differs;
        return new ReplayResult(output, outcome, payload, first, replayInputs, second);
    }

    /// <summary>The rule over <paramref name="inputs"/>, carrying the recorded payload's carried members; compared with it.</summary>
    public static ReplayRun Run(DerivationRule rule, IReadOnlyList<LoadedInput?> inputs, string recordedPayload)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(inputs);
        try
        {
            var recorded = JsonNode.Parse(recordedPayload) as JsonObject ?? throw new RuleInputException("the recorded payload is not a JSON object");
            var derived = rule.Derive(inputs.Select(i => i!.Input).ToList(), recorded);
            var canonical = EventPayload.Canonical(derived).ToString();
            var changes = string.Equals(canonical, recordedPayload, StringComparison.Ordinal)
                ? []
                : StateDiff.Compare(JsonNode.Parse(recordedPayload), JsonNode.Parse(canonical));
            return new ReplayRun(canonical, changes, null);
        }
        catch (Exception ex) when (ex is RuleInputException or JsonException or ArgumentException)
        {
            return new ReplayRun(null, [], ex.Message);
        }
    }

    /// <summary>An input loaded for a rule, with its node.</summary>
    public sealed record LoadedInput(LineageNode Node, RuleInput Input);

    /// <summary>
    /// The inputs in order (null where the ledger has none); with <paramref name="latest"/>, each input's last correction
    /// instead (following <c>supersedes</c> forward, each step to a later seq).
    /// </summary>
    private static async Task<LoadedInput?[]> InputsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid[] ids, bool latest,
        long bound, CancellationToken ct)
    {
        var sql = latest
            ? $"""
              WITH RECURSIVE chain(ord, seq, event_id, depth) AS (
                SELECT i.ord, e.seq, e.event_id, 0 FROM unnest($1::uuid[]) WITH ORDINALITY AS i(input, ord)
                JOIN ledger.events e ON e.event_id = i.input AND e.seq <= $2
                UNION ALL
                SELECT chain.ord, c.seq, c.event_id, chain.depth + 1
                FROM chain JOIN ledger.events c ON c.supersedes = chain.event_id AND c.seq > chain.seq AND c.seq <= $2
              ),
              last AS (SELECT DISTINCT ON (ord) ord, seq FROM chain ORDER BY ord, depth DESC, seq DESC)
              SELECT last.ord, {LineageNodes.Columns("e")}, e.payload FROM last JOIN ledger.events e ON e.seq = last.seq ORDER BY last.ord
              """
            : $"""
              SELECT i.ord, {LineageNodes.Columns("e")}, e.payload FROM unnest($1::uuid[]) WITH ORDINALITY AS i(input, ord)
              JOIN LATERAL (SELECT * FROM ledger.events t WHERE t.event_id = i.input AND t.seq <= $2 LIMIT 1) e ON true
              ORDER BY i.ord
              """;
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = bound });
        var result = new LoadedInput?[ids.Length];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var node = LineageNodes.Read(reader, 1)!;
            var payload = JsonNode.Parse(reader.GetString(1 + LineageNodes.Count)) as JsonObject ?? [];
            result[(int)reader.GetInt64(0) - 1] = new LoadedInput(node, new RuleInput(node.EventId, node.Stream, node.Action, payload));
        }
        return result;
    }
}

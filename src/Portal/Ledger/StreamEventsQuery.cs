using System.Text.Json.Nodes;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;

namespace AuditPortal.Portal.Ledger;

/// <summary>One entity's events, oldest first, with payloads as redacted by the gateway.</summary>
public sealed record StreamEventsView(string StreamType, string StreamId, IReadOnlyList<StreamEventView> Events) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => Events.Select(e => e.Payload);
}

public sealed record StreamEventView(
    long Seq, Guid EventId, long StreamSeq, DateTime OccurredAt, DateTime RecordedAt, string Actor, string Action, JsonObject Payload);

/// <summary>Reads the first events of a stream (<see cref="QueryKinds.StreamRead"/>).</summary>
public static class StreamEventsQuery
{
    /// <param name="ledgerSize">
    /// Only events with <c>seq</c> ≤ this: the ledger as it stood when an earlier query ran (the ledger is append-only),
    /// for re-running it ("what did they see"); null: the ledger as it is.
    /// </param>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<StreamEventsView>>> For(string type, string id, int limit, long? ledgerSize = null) =>
        async (session, ct) =>
        {
            await using var cmd = session.CreateCommand(ledgerSize is null
                ? """
                  SELECT seq, event_id, stream_seq, occurred_at, recorded_at, actor, action, payload
                  FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 ORDER BY stream_seq LIMIT $3
                  """
                : """
                  SELECT seq, event_id, stream_seq, occurred_at, recorded_at, actor, action, payload
                  FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND seq <= $4 ORDER BY stream_seq LIMIT $3
                  """);
            cmd.Parameters.Add(new() { Value = type });
            cmd.Parameters.Add(new() { Value = id });
            cmd.Parameters.Add(new() { Value = limit });
            if (ledgerSize is { } size)
                cmd.Parameters.Add(new() { Value = size });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var events = new List<StreamEventView>();
            while (await reader.ReadAsync(ct))
            {
                events.Add(new StreamEventView(
                    reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2),
                    reader.GetFieldValue<DateTime>(3), reader.GetFieldValue<DateTime>(4),
                    reader.GetString(5), reader.GetString(6),
                    JsonNode.Parse(reader.GetString(7))!.AsObject()));
            }
            return QueryAnswer.Of(new StreamEventsView(type, id, events),
                events.Select(e => RecordId.Event(e.EventId)).ToList());
        };
}

using System.Text.Json.Nodes;
using AuditPortal.Data.Timeline;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Ledger;
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
            var stored = await FirstEventsQuery.ReadAsync(session.Connection, session.Transaction, new StreamKey(type, id), limit, ledgerSize, ct);
            var events = stored.Select(e => new StreamEventView(e.Seq, e.EventId, e.StreamSeq, e.OccurredAt, e.RecordedAt, e.Actor, e.Action,
                JsonNode.Parse(e.PayloadJson)!.AsObject())).ToList();
            return QueryAnswer.Of(new StreamEventsView(type, id, events),
                events.Select(e => RecordId.Event(e.EventId)).ToList());
        };
}

using System.Text.Json.Nodes;

namespace AuditPortal.Data.AccessLog;

/// <summary>
/// One portal query as the gateway saw it before running it. Appended as a <c>query.requested</c>
/// event in the stream <c>user/&lt;SubjectId&gt;</c> (see <see cref="AccessLogEvents"/>).
/// </summary>
public sealed record AccessLogEntry
{
    /// <summary>
    /// The gateway's id for this request; the event's idempotency key, so appending the same entry
    /// again after a transient failure returns the first event instead of logging twice.
    /// </summary>
    public required string RequestId { get; init; }

    /// <summary>The user's stable subject id (OIDC <c>sub</c>); the stream id.</summary>
    public required string SubjectId { get; init; }

    /// <summary>The user's display name at the time of the query; the event's actor.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The portal roles the user held for this query (e.g. <c>auditor</c>).</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>What kind of query, e.g. <c>timeline.read</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The query's parameters in their canonical form; stored as canonical JSON (RFC 8785).</summary>
    public required JsonObject Parameters { get; init; }

    /// <summary>The stated purpose; required by the gateway for some kinds, null otherwise.</summary>
    public string? Purpose { get; init; }

    /// <summary>The case reference the query belongs to, if any.</summary>
    public string? CaseReference { get; init; }

    public string? ClientAddress { get; init; }

    /// <summary>When the gateway received the request (UTC); the event's <c>occurred_at</c>.</summary>
    public required DateTime RequestedAt { get; init; }

    /// <summary>
    /// The ledger's size (highest seq) in the snapshot the query runs on, read before the entry is written;
    /// null when no ledger snapshot was taken (refused, replica down, or a query of the access log itself).
    /// The ledger is append-only, so re-running the query bounded by this size shows what the caller saw
    /// (docs/access-log.md, "ledger_size").
    /// </summary>
    public long? LedgerSize { get; init; }

    /// <summary>
    /// The size of the latest signed checkpoint in the same snapshot (0: none yet); null exactly when <see cref="LedgerSize"/> is.
    /// Checkpoints are keyed by size and signed in growing order, so the checkpoints of size ≤ this are those the query
    /// could see: the proof pages and the dashboard are re-run against them (docs/access-log.md, "checkpoint_size").
    /// </summary>
    public long? CheckpointSize { get; init; }
}

/// <summary>How a logged query ended; the completion event's action is <c>query.&lt;outcome&gt;</c>.</summary>
public enum AccessLogOutcome
{
    /// <summary>The query ran and its result was returned (<c>query.completed</c>).</summary>
    Completed,

    /// <summary>The query was attempted and failed, e.g. the replica was down (<c>query.failed</c>).</summary>
    Failed,

    /// <summary>The gateway refused to run it, e.g. a missing purpose (<c>query.refused</c>).</summary>
    Refused,
}

/// <summary>
/// What happened to a logged query. Appended in the same stream as its request, with lineage
/// inputs = [<see cref="RequestEventId"/>], rule <c>portal.gateway</c> version <c>1</c>.
/// </summary>
public sealed record AccessLogCompletion
{
    /// <summary>The request's <see cref="AccessLogEntry.RequestId"/>; the completion's idempotency key is <c>&lt;RequestId&gt;/outcome</c>.</summary>
    public required string RequestId { get; init; }

    /// <summary>The event id of the <c>query.requested</c> event.</summary>
    public required Guid RequestEventId { get; init; }

    public required string SubjectId { get; init; }
    public required string DisplayName { get; init; }
    public string? ClientAddress { get; init; }
    public required AccessLogOutcome Outcome { get; init; }

    /// <summary>Rows returned; null when the query did not complete.</summary>
    public long? RowCount { get; init; }

    /// <summary><see cref="RecordDigest.Compute(IEnumerable{Guid})"/> of the returned record ids; null when the query did not complete.</summary>
    public string? RecordDigest { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>When the query ended (UTC); the event's <c>occurred_at</c>.</summary>
    public required DateTime CompletedAt { get; init; }

    /// <summary>The completion of <paramref name="request"/>, whose <c>query.requested</c> event is <paramref name="requestEventId"/>.</summary>
    public static AccessLogCompletion For(
        AccessLogEntry request, Guid requestEventId, AccessLogOutcome outcome, long? rowCount, string? recordDigest, TimeSpan duration, DateTime completedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new AccessLogCompletion
        {
            RequestId = request.RequestId,
            RequestEventId = requestEventId,
            SubjectId = request.SubjectId,
            DisplayName = request.DisplayName,
            ClientAddress = request.ClientAddress,
            Outcome = outcome,
            RowCount = rowCount,
            RecordDigest = recordDigest,
            Duration = duration,
            CompletedAt = completedAt,
        };
    }
}

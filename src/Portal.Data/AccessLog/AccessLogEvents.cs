using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.AccessLog;

/// <summary>
/// How access-log entries become ledger events in the <c>portal</c> database. The access log has
/// exactly the ledger's format, so the same verifier checks it.
/// </summary>
/// <remarks>
/// Request: stream <c>user/&lt;subject id&gt;</c>, actor = display name, action <c>query.requested</c>,
/// payload <c>{"case","checkpoint_size","kind","ledger_size","parameters","purpose","roles"}</c> (entries written before
/// <c>ledger_size</c> or <c>checkpoint_size</c> existed lack it), idempotency key = request id.
/// Completion: same stream, action <c>query.completed|failed|refused</c>, payload
/// <c>{"duration_ms","outcome","record_digest","request_event_id","row_count"}</c>, lineage inputs
/// [request event id] by rule <c>portal.gateway</c> version <c>1</c>, idempotency key
/// <c>&lt;request id&gt;/outcome</c>.
/// </remarks>
public static class AccessLogEvents
{
    public const string StreamType = "user";
    public const string RequestedAction = "query.requested";
    public const string CompletedAction = "query.completed";
    public const string FailedAction = "query.failed";
    public const string RefusedAction = "query.refused";
    public const string RuleId = "portal.gateway";
    public const string RuleVersion = "1";

    /// <summary>Suffix of a completion's idempotency key after the request id.</summary>
    public const string CompletionKeySuffix = "/outcome";

    /// <summary>The origin line of the access log's checkpoints for a deployment, e.g. <c>access-log/demo</c>.</summary>
    public static string Origin(string deployment) => "access-log/" + deployment;

    public static string ActionOf(AccessLogOutcome outcome) => outcome switch
    {
        AccessLogOutcome.Completed => CompletedAction,
        AccessLogOutcome.Failed => FailedAction,
        AccessLogOutcome.Refused => RefusedAction,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown outcome"),
    };

    /// <summary>The payload's <c>outcome</c> member: <c>completed</c>, <c>failed</c> or <c>refused</c>.</summary>
    public static string NameOf(AccessLogOutcome outcome) => ActionOf(outcome)["query.".Length..];

    public static AccessLogOutcome? ParseOutcome(string name) => name switch
    {
        "completed" => AccessLogOutcome.Completed,
        "failed" => AccessLogOutcome.Failed,
        "refused" => AccessLogOutcome.Refused,
        _ => null,
    };

    /// <exception cref="ArgumentException">A required member is empty or the time is not UTC.</exception>
    public static NewEvent ToNewEvent(AccessLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Require(entry.RequestId, nameof(entry.RequestId));
        Require(entry.SubjectId, nameof(entry.SubjectId));
        Require(entry.DisplayName, nameof(entry.DisplayName));
        Require(entry.Kind, nameof(entry.Kind));
        ArgumentNullException.ThrowIfNull(entry.Roles);
        ArgumentNullException.ThrowIfNull(entry.Parameters);
        RequireUtc(entry.RequestedAt, nameof(entry.RequestedAt));
        if (entry.LedgerSize < 0)
            throw new ArgumentException($"LedgerSize must be ≥ 0, got {entry.LedgerSize}");
        if (entry.CheckpointSize < 0)
            throw new ArgumentException($"CheckpointSize must be ≥ 0, got {entry.CheckpointSize}");
        if (entry.RequestId.EndsWith(CompletionKeySuffix, StringComparison.Ordinal))
            throw new ArgumentException($"RequestId must not end with '{CompletionKeySuffix}', got '{entry.RequestId}'");

        var roles = new JsonArray();
        foreach (var role in entry.Roles)
            roles.Add(role ?? throw new ArgumentException("Roles contains null"));
        return new NewEvent
        {
            StreamType = StreamType,
            StreamId = entry.SubjectId,
            OccurredAt = entry.RequestedAt,
            Actor = entry.DisplayName,
            Action = RequestedAction,
            ClientAddress = entry.ClientAddress,
            Payload = new JsonObject
            {
                ["kind"] = entry.Kind,
                ["parameters"] = entry.Parameters.DeepClone(),
                ["roles"] = roles,
                ["purpose"] = entry.Purpose,
                ["case"] = entry.CaseReference,
                ["ledger_size"] = entry.LedgerSize,
                ["checkpoint_size"] = entry.CheckpointSize,
            },
            IdempotencyKey = entry.RequestId,
        };
    }

    /// <exception cref="ArgumentException">A required member is empty, a count or duration is negative, or the time is not UTC.</exception>
    public static NewEvent ToNewEvent(AccessLogCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        Require(completion.RequestId, nameof(completion.RequestId));
        Require(completion.SubjectId, nameof(completion.SubjectId));
        Require(completion.DisplayName, nameof(completion.DisplayName));
        RequireUtc(completion.CompletedAt, nameof(completion.CompletedAt));
        if (completion.RequestEventId == Guid.Empty)
            throw new ArgumentException("RequestEventId is the empty UUID");
        if (completion.RowCount < 0)
            throw new ArgumentException($"RowCount must be ≥ 0, got {completion.RowCount}");
        if (completion.Duration < TimeSpan.Zero)
            throw new ArgumentException($"Duration must be ≥ 0, got {completion.Duration}");

        return new NewEvent
        {
            StreamType = StreamType,
            StreamId = completion.SubjectId,
            OccurredAt = completion.CompletedAt,
            Actor = completion.DisplayName,
            Action = ActionOf(completion.Outcome),
            ClientAddress = completion.ClientAddress,
            Payload = new JsonObject
            {
                ["request_event_id"] = completion.RequestEventId.ToString("D"),
                ["outcome"] = NameOf(completion.Outcome),
                ["row_count"] = completion.RowCount,
                ["record_digest"] = completion.RecordDigest,
                ["duration_ms"] = (long)completion.Duration.TotalMilliseconds,
            },
            Lineage = new LedgerLineage([completion.RequestEventId], RuleId, RuleVersion),
            IdempotencyKey = completion.RequestId + CompletionKeySuffix,
        };
    }

    private static void Require(string value, string name)
    {
        if (string.IsNullOrEmpty(value))
            throw new ArgumentException($"{name} is empty");
    }

    private static void RequireUtc(DateTime value, string name)
    {
        if (value.Kind != DateTimeKind.Utc)
            throw new ArgumentException($"{name} must be UTC, got DateTimeKind.{value.Kind}");
    }
}

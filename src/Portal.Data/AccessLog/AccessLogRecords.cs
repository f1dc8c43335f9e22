using System.Text.Json.Nodes;
using AuditPortal.Data.Checkpoints;

namespace AuditPortal.Data.AccessLog;

/// <summary>A logged query as read back: its <c>query.requested</c> event and, once recorded, its completion.</summary>
public sealed record AccessLogItem
{
    /// <summary>The request event's global sequence in the access log; the paging key.</summary>
    public required long Seq { get; init; }

    public required Guid EventId { get; init; }
    public required string? RequestId { get; init; }
    public required string SubjectId { get; init; }

    /// <summary>The user's display name when the query was made (the event's actor).</summary>
    public required string DisplayName { get; init; }

    public required string Kind { get; init; }
    public required JsonObject Parameters { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public string? Purpose { get; init; }
    public string? CaseReference { get; init; }
    public string? ClientAddress { get; init; }
    public required DateTime RequestedAt { get; init; }
    public required DateTime RecordedAt { get; init; }

    /// <summary>Null while the query has no completion event (running, or the portal died meanwhile).</summary>
    public AccessLogResult? Completion { get; init; }

    /// <summary>The request event's position in its user's stream (<c>stream_seq</c>).</summary>
    public long StreamSeq { get; init; }

    /// <summary>The request event's stored hash and the stored hash it links to (global chain), 32 bytes each.</summary>
    public byte[] Hash { get; init; } = [];

    public byte[] PrevHash { get; init; } = [];

    /// <summary>
    /// The ledger's size when the query ran (<c>ledger_size</c>); null when the entry does not say
    /// (refused, replica down, an access-log query) and for entries written before it was recorded.
    /// </summary>
    public long? LedgerSize { get; init; }

    /// <summary>False for entries written before <c>ledger_size</c> was recorded (the member is absent, not null).</summary>
    public bool RecordsLedgerSize { get; init; }

    /// <summary>
    /// The size of the latest checkpoint in the query's snapshot (<c>checkpoint_size</c>, 0: none); null when the entry has no
    /// ledger size and for entries written before it was recorded.
    /// </summary>
    public long? CheckpointSize { get; init; }
}

/// <summary>The completion event of a logged query.</summary>
public sealed record AccessLogResult(
    Guid EventId, long Seq, AccessLogOutcome Outcome, long? RowCount, string? RecordDigest, long DurationMs, DateTime CompletedAt, DateTime RecordedAt);

/// <summary>
/// One page, newest first. Pass <see cref="NextBeforeSeq"/> as <c>beforeSeq</c> for the next page;
/// null when this is the last page.
/// </summary>
public sealed record AccessLogPage(IReadOnlyList<AccessLogItem> Items, long? NextBeforeSeq);

/// <summary>Conditions for <see cref="AccessLogReader.SearchAsync"/>; all that are set must hold.</summary>
public sealed record AccessLogFilter
{
    /// <summary>Only this user's queries (subject id).</summary>
    public string? SubjectId { get; init; }

    /// <summary>Only this kind of query, e.g. <c>timeline.read</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>Only queries requested at or after this time (UTC, inclusive).</summary>
    public DateTime? From { get; init; }

    /// <summary>Only queries requested before this time (UTC, exclusive).</summary>
    public DateTime? To { get; init; }

    /// <summary>Only queries made while holding this portal role.</summary>
    public string? Role { get; init; }

    /// <summary>Only queries made for this case reference.</summary>
    public string? CaseReference { get; init; }

    /// <summary>Only queries that ended so; <see cref="AccessLogOutcomeFilter.Pending"/>: no outcome recorded.</summary>
    public AccessLogOutcomeFilter? Outcome { get; init; }

    /// <summary>Only queries from this client address (exact).</summary>
    public string? ClientAddress { get; init; }

    /// <summary>True when no condition is set.</summary>
    public bool IsEmpty => this == new AccessLogFilter();
}

/// <summary>An outcome to filter on: one of the three recorded ones, or none recorded yet.</summary>
public enum AccessLogOutcomeFilter
{
    Completed,
    Failed,
    Refused,

    /// <summary>No completion event (running, or the portal stopped before recording it).</summary>
    Pending,
}

/// <summary>The access log's head: its size (highest seq) and its latest signed checkpoint, if any.</summary>
public sealed record AccessLogHead(long Size, StoredCheckpoint? LatestCheckpoint);

/// <summary>One UTC day of activity: requests, and how many failed, were refused or have no outcome.</summary>
public sealed record AccessLogDay(DateOnly Day, long Requests, long Failed, long Refused, long Pending);

public sealed record AccessLogKindCount(string Kind, long Count);

/// <summary>Activity per day (newest first) and per kind (most first), for the per-user and per-case views.</summary>
public sealed record AccessLogActivity(IReadOnlyList<AccessLogDay> Days, IReadOnlyList<AccessLogKindCount> Kinds);

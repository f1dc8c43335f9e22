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
}

/// <summary>The access log's head: its size (highest seq) and its latest signed checkpoint, if any.</summary>
public sealed record AccessLogHead(long Size, StoredCheckpoint? LatestCheckpoint);

using AuditPortal.Data.Requests;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Timeline;

/// <summary>What a timeline is ordered by. <c>stream_seq</c> always breaks ties and is always shown.</summary>
public enum TimelineOrder
{
    /// <summary>Per-stream sequence: the ground truth of the stream's order.</summary>
    StreamSeq,

    /// <summary>Business time (<c>occurred_at</c>), then stream_seq.</summary>
    OccurredAt,

    /// <summary>System time (<c>recorded_at</c>), then stream_seq.</summary>
    RecordedAt,
}

/// <summary>Parameters of <see cref="TimelineQuery"/>; <see cref="Validate"/> throws <see cref="QueryValidationException"/>.</summary>
public sealed record TimelineRequest
{
    public const int MaxPageSize = 200;

    /// <summary>At most this many <see cref="EventIds"/> (a case's annotated events of one stream).</summary>
    public const int MaxEventIds = 100_000;

    public required StreamKey Stream { get; init; }
    public string? Action { get; init; }
    public string? Actor { get; init; }
    public TimeWindow? Window { get; init; }
    public TimelineOrder Order { get; init; } = TimelineOrder.StreamSeq;
    public bool Descending { get; init; }
    public int PageSize { get; init; } = 50;

    /// <summary>Only these events (by event id), e.g. the ones a case annotated; null: every event. A filter like the others.</summary>
    public IReadOnlyList<Guid>? EventIds { get; init; }

    /// <summary>The <see cref="TimelinePage.NextCursor"/> of the previous page (same order and direction).</summary>
    public string? Cursor { get; init; }

    /// <summary>Business time this far before system time (or more) marks a late arrival. Default 24 h.</summary>
    public TimeSpan LateArrivalThreshold { get; init; } = TimelineQuery.DefaultLateArrivalThreshold;

    public void Validate()
    {
        if (Stream.Type is null || Stream.Id is null)
            throw new QueryValidationException("stream", "stream: type and id are required");
        LedgerName.Check("streamType", Stream.Type);
        LedgerName.Check("streamId", Stream.Id);
        LedgerName.Check("action", Action);
        LedgerName.Check("actor", Actor);
        Window?.Validate("window");
        if (!Enum.IsDefined(Order))
            throw new QueryValidationException("order", "order: one of StreamSeq, OccurredAt, RecordedAt");
        if (EventIds is { Count: > MaxEventIds })
            throw new QueryValidationException("eventIds", $"eventIds: at most {MaxEventIds}, got {EventIds.Count}");
        if (PageSize is < 1 or > MaxPageSize)
            throw new QueryValidationException("pageSize", $"pageSize: must be between 1 and {MaxPageSize}, got {PageSize}");
        if (LateArrivalThreshold <= TimeSpan.Zero || LateArrivalThreshold > TimeSpan.FromDays(3650))
            throw new QueryValidationException("lateArrivalThreshold", "lateArrivalThreshold: must be positive and at most 10 years");
        if (Cursor is not null)
            TimelineQuery.DecodeCursor(Cursor, Order, Descending);
    }
}

using AuditPortal.Data.Requests;

namespace AuditPortal.Data.Timeline;

/// <summary>
/// Criteria of <see cref="EntitySearch.FindEventsAsync"/>. Every criterion is optional and they
/// combine with AND; at least one must be given. Call <see cref="Validate"/> (the queries do) to get
/// a <see cref="QueryValidationException"/> for anything out of range.
/// </summary>
public sealed record SearchRequest
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;
    public const int MaxTextLength = 200;

    /// <summary>Stream type, exactly (<c>account</c>, <c>tax_form</c>, …).</summary>
    public string? StreamType { get; init; }

    /// <summary>Stream id, exactly, or as a prefix when <see cref="StreamIdIsPrefix"/>.</summary>
    public string? StreamId { get; init; }

    public bool StreamIdIsPrefix { get; init; }

    /// <summary>Actor, exactly (<c>svc:kyc</c>, <c>ops.jdoe</c>).</summary>
    public string? Actor { get; init; }

    /// <summary>Action, exactly (<c>trade.executed</c>).</summary>
    public string? Action { get; init; }

    /// <summary>Events whose business or system time lies in the window.</summary>
    public TimeWindow? Window { get; init; }

    /// <summary>
    /// Case-insensitive substring of a string value in the payload, outside personal-data envelopes
    /// (see <see cref="PayloadTextSearch"/>): the clear value of a masked field can never match.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Only stale outputs: derived events an input of which was corrected after them (<see cref="Lineage.StaleOutputSql"/>).</summary>
    public bool StaleOutputsOnly { get; init; }

    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Oldest first (ascending <c>seq</c>) instead of newest first.</summary>
    public bool OldestFirst { get; init; }

    /// <summary>The <see cref="SearchPage{T}.NextCursor"/> of the previous page; null for the first page.</summary>
    public string? Cursor { get; init; }

    public void Validate()
    {
        if (PageSize is < 1 or > MaxPageSize)
            throw new QueryValidationException("pageSize", $"pageSize: must be between 1 and {MaxPageSize}, got {PageSize}");
        LedgerName.Check("streamType", StreamType);
        LedgerName.Check("streamId", StreamId);
        LedgerName.Check("actor", Actor);
        LedgerName.Check("action", Action);
        if (StreamIdIsPrefix && string.IsNullOrEmpty(StreamId))
            throw new QueryValidationException("streamId", "streamId: a prefix search needs a non-empty prefix");
        Window?.Validate("window");
        if (Text is not null)
            PayloadTextSearch.Check(Text);
        if (StreamType is null && StreamId is null && Actor is null && Action is null && Window is null && Text is null && !StaleOutputsOnly)
            throw new QueryValidationException("query", "query: give at least one criterion (stream, actor, action, time window, text or stale outputs)");
        if (Cursor is not null)
            EntitySearch.DecodeEventCursor(Cursor, OldestFirst);
    }
}

/// <summary>Criteria of <see cref="EntitySearch.FindStreamsAsync"/>: entities by type and id (exact or prefix).</summary>
public sealed record StreamSearchRequest
{
    /// <summary>Stream type, exactly; null searches every type.</summary>
    public string? StreamType { get; init; }

    /// <summary>Stream id, exactly, or as a prefix when <see cref="IsPrefix"/>; null or empty lists all streams (of the type).</summary>
    public string? StreamId { get; init; }

    public bool IsPrefix { get; init; }

    public int PageSize { get; init; } = SearchRequest.DefaultPageSize;

    /// <summary>Z to A (descending type, then id) instead of A to Z.</summary>
    public bool Descending { get; init; }

    public string? Cursor { get; init; }

    public void Validate()
    {
        if (PageSize is < 1 or > SearchRequest.MaxPageSize)
            throw new QueryValidationException("pageSize", $"pageSize: must be between 1 and {SearchRequest.MaxPageSize}, got {PageSize}");
        LedgerName.Check("streamType", StreamType);
        LedgerName.Check("streamId", StreamId);
        if (!IsPrefix && StreamId is not null && StreamType is null)
            throw new QueryValidationException("streamType", "streamType: an exact id needs its stream type");
        if (Cursor is not null)
            EntitySearch.DecodeStreamCursor(Cursor, Descending);
    }
}

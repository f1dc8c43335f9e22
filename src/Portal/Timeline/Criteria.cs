using AuditPortal.Data.Timeline;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Portal.Timeline;

/// <summary>
/// What <c>/timeline</c> searches for. Query parameters: <c>type</c>, <c>id</c>, <c>match</c>
/// (exact|prefix), <c>actor</c>, <c>action</c>, <c>axis</c> (business|system), <c>from</c>, <c>to</c>,
/// <c>q</c> (payload text), <c>size</c>, <c>pages</c> (<see cref="PageTrail"/>), <c>dir</c> (asc|desc). With only
/// a type and/or id it lists entities (A to Z; <c>dir=desc</c> Z to A); with any other criterion it lists events
/// (newest first; <c>dir=asc</c> oldest first).
/// </summary>
public sealed record SearchCriteria(
    string? StreamType, string? StreamId, bool Prefix, string? Actor, string? Action,
    TimeAxis Axis, DateTimeOffset? From, DateTimeOffset? To, string? Text, int PageSize, PageTrail Trail, bool StaleOnly = false,
    bool? Descending = null)
{
    /// <summary>The order shown: <see cref="Descending"/> when given, else the mode's own (events newest first, entities A to Z).</summary>
    public bool IsDescending => Descending ?? !IsEntitySearch;

    /// <summary>The same search in the other order, from its first page (a sortable header's link).</summary>
    public SearchCriteria Reversed() => this with { Descending = !IsDescending, Trail = PageTrail.First };

    public static SearchCriteria Empty { get; } = new(null, null, false, null, null, TimeAxis.Business, null, null, null, SearchRequest.DefaultPageSize, PageTrail.First);

    public bool IsEmpty => StreamType is null && StreamId is null && Actor is null && Action is null && From is null && To is null && Text is null && !StaleOnly;

    /// <summary>Only the stream type and/or id: the answer is a list of entities.</summary>
    public bool IsEntitySearch => Actor is null && Action is null && From is null && To is null && Text is null && !StaleOnly;

    public TimeWindow? Window => From is null && To is null ? null : new TimeWindow(Axis, From, To);

    public SearchCriteria WithTrail(PageTrail trail) => this with { Trail = trail };

    public SearchRequest ToEventRequest() => new()
    {
        StreamType = StreamType,
        StreamId = StreamId,
        StreamIdIsPrefix = Prefix && StreamId is not null,
        Actor = Actor,
        Action = Action,
        Window = Window,
        Text = Text,
        StaleOutputsOnly = StaleOnly,
        PageSize = PageSize,
        OldestFirst = !IsDescending,
        Cursor = Trail.Current,
    };

    public StreamSearchRequest ToStreamRequest() => new()
    {
        StreamType = StreamType,
        StreamId = StreamId,
        IsPrefix = Prefix && StreamId is not null,
        PageSize = PageSize,
        Descending = IsDescending,
        Cursor = Trail.Current,
    };

    /// <summary>The canonical parameters the access log records.</summary>
    public object Canonical => new
    {
        mode = IsEntitySearch ? "entities" : "events",
        stream_type = StreamType,
        stream_id = StreamId,
        match = Prefix ? "prefix" : "exact",
        actor = Actor,
        action = Action,
        axis = Window is null ? null : TimelineCriteria.AxisText(Axis),
        from = From is { } f ? PortalUrls.Instant(f) : null,
        to = To is { } t ? PortalUrls.Instant(t) : null,
        text = Text,
        stale_outputs = StaleOnly,
        size = PageSize,
        dir = IsDescending ? "desc" : "asc",
        page = Trail.PageNumber,
        cursor = Trail.Current,
    };

    public static SearchCriteria Parse(StrictQuery q)
    {
        var criteria = new SearchCriteria(
            q.Text("type"), q.Text("id"), q.Choice("match", ("exact", false), ("prefix", true)), q.Text("actor"), q.Text("action"),
            q.Choice("axis", ("business", TimeAxis.Business), ("system", TimeAxis.System)), q.Instant("from"), q.Instant("to"),
            q.Text("q", SearchRequest.MaxTextLength), q.Int("size", SearchRequest.DefaultPageSize, 1, SearchRequest.MaxPageSize), q.Trail("pages"),
            q.Choice("stale", ("false", false), ("true", true)), q.OptionalChoice("dir", ("asc", false), ("desc", true)));
        if (criteria.From is { } from && criteria.To is { } to && from >= to)
            q.Add("from: must be before 'to'");
        return criteria;
    }
}

/// <summary>
/// Filters and order of one entity's timeline. Query parameters: <c>action</c>, <c>actor</c>, <c>axis</c>
/// (business|system, for the window), <c>from</c>, <c>to</c>, <c>order</c> (seq|business|system),
/// <c>dir</c> (asc|desc), <c>size</c>, <c>pages</c>, and <c>event</c>: the stream_seq of the selected
/// event (highlighted and expanded). In plain order without <c>pages</c>, <c>event</c> is a link to that
/// event (<see cref="PortalUrls.TimelineEvent"/>): the page that holds it is computed (<see cref="TrailToEvent"/>).
/// <c>mark</c> (starred|annotated) and <c>label</c> narrow the timeline to the active case's annotated events
/// (<see cref="IsAnnotationFilter"/>; the event ids come from the workspace, the events from the replica).
/// </summary>
public sealed record TimelineCriteria(
    StreamKey Stream, string? Action, string? Actor, TimeAxis Axis, DateTimeOffset? From, DateTimeOffset? To,
    TimelineOrder Order, bool Descending, int PageSize, PageTrail Trail)
{
    public const int DefaultPageSize = 50;

    public static TimelineCriteria For(StreamKey stream) =>
        new(stream, null, null, TimeAxis.Business, null, null, TimelineOrder.StreamSeq, false, DefaultPageSize, PageTrail.First);

    /// <summary>The selected event's stream_seq: view state, not part of the query (selecting a row queries nothing).</summary>
    public long? Event { get; init; }

    /// <summary>Only the active case's starred events (<c>mark=starred</c>) or annotated events (<c>mark=annotated</c>); null: no such filter.</summary>
    public string? Mark { get; init; }

    /// <summary>Only the active case's events with this label (<c>label=</c>).</summary>
    public string? Label { get; init; }

    public bool IsAnnotationFilter => Mark is not null || Label is not null;

    public bool IsFiltered => Action is not null || Actor is not null || From is not null || To is not null || IsAnnotationFilter;

    public const string Starred = "starred";

    public const string Annotated = "annotated";

    /// <summary>Stream order, ascending, no filter: stream_seq is dense, so a page's position follows from its first event.</summary>
    public bool IsPlainOrder => !IsFiltered && Order == TimelineOrder.StreamSeq && !Descending;

    /// <summary>The same view with another selection (or none).</summary>
    public TimelineCriteria Select(long? streamSeq) => this with { Event = streamSeq };

    /// <summary>
    /// The trail to the page of <paramref name="pageSize"/> events holding event <paramref name="streamSeq"/> in plain order:
    /// the cursors after <c>size</c>, <c>2·size</c>, … up to the page's start (the last <see cref="PageTrail.MaxDepth"/> of them,
    /// so "previous" walks back that far and then to the first page).
    /// </summary>
    public static PageTrail TrailToEvent(long streamSeq, int pageSize)
    {
        var pages = (streamSeq - 1) / pageSize; // full pages before the one holding the event
        var first = Math.Max(1, pages - PageTrail.MaxDepth + 1);
        var cursors = new List<string>();
        for (var p = first; p <= pages; p++)
            cursors.Add(TimelineQuery.CursorAfterStreamSeq(p * pageSize));
        return new PageTrail(cursors);
    }

    public TimeWindow? Window => From is null && To is null ? null : new TimeWindow(Axis, From, To);

    public TimelineCriteria WithTrail(PageTrail trail) => this with { Trail = trail };

    /// <param name="annotated">The active case's event ids that match <see cref="Mark"/> / <see cref="Label"/> (read from the workspace); ignored without that filter.</param>
    public TimelineRequest ToRequest(IReadOnlyList<Guid>? annotated = null) => new()
    {
        Stream = Stream,
        EventIds = IsAnnotationFilter ? annotated ?? [] : null,
        Action = Action,
        Actor = Actor,
        Window = Window,
        Order = Order,
        Descending = Descending,
        PageSize = PageSize,
        Cursor = Trail.Current,
    };

    public object Canonical => new
    {
        stream_type = Stream.Type,
        stream_id = Stream.Id,
        action = Action,
        actor = Actor,
        axis = Window is null ? null : AxisText(Axis),
        from = From is { } f ? PortalUrls.Instant(f) : null,
        to = To is { } t ? PortalUrls.Instant(t) : null,
        mark = Mark,
        label = Label,
        order = OrderText(Order),
        dir = Descending ? "desc" : "asc",
        size = PageSize,
        page = Trail.PageNumber,
        cursor = Trail.Current,
    };

    public static string AxisText(TimeAxis axis) => axis == TimeAxis.System ? "system" : "business";

    public static string OrderText(TimelineOrder order) => order switch
    {
        TimelineOrder.OccurredAt => "business",
        TimelineOrder.RecordedAt => "system",
        _ => "seq",
    };

    public static TimelineCriteria Parse(StrictQuery q, string? type, string? id)
    {
        var criteria = new TimelineCriteria(
            new StreamKey(q.Name("type", type), q.Name("id", id)), q.Text("action"), q.Text("actor"),
            q.Choice("axis", ("business", TimeAxis.Business), ("system", TimeAxis.System)), q.Instant("from"), q.Instant("to"),
            q.Choice("order", ("seq", TimelineOrder.StreamSeq), ("business", TimelineOrder.OccurredAt), ("system", TimelineOrder.RecordedAt)),
            q.Choice("dir", ("asc", false), ("desc", true)),
            q.Int("size", DefaultPageSize, 1, TimelineRequest.MaxPageSize), q.Trail("pages"));
        if (criteria.From is { } from && criteria.To is { } to && from >= to)
            q.Add("from: must be before 'to'");
        criteria = criteria with
        {
            Mark = q.Text("mark", 16),
            Label = q.Text("label", AuditPortal.Data.Workspace.WorkspaceLimits.LabelLength),
        };
        if (criteria.Mark is not (null or Starred or Annotated))
            q.Add("mark: want starred or annotated");
        if (criteria.Mark is not null && criteria.Label is not null)
            q.Add("mark, label: filter by one of them");
        var selected = q.Int(EventParameter, 0, 1, int.MaxValue);
        if (selected == 0)
            return criteria;
        criteria = criteria with { Event = selected };
        // With a trail, or filtered or in another order, it selects a row of the page the URL names; in plain
        // order without a trail it is a link to that event (PortalUrls.TimelineEvent) and names its page.
        return criteria.Trail.Cursors.Count > 0 || !criteria.IsPlainOrder ? criteria : criteria.WithTrail(TrailToEvent(selected, criteria.PageSize));
    }

    public const string EventParameter = "event";
}

/// <summary>One as-of point: business time T as known at system time K.</summary>
public sealed record AsOfPoint(DateTimeOffset T, DateTimeOffset K)
{
    /// <summary>
    /// Reads <paramref name="tName"/> and <paramref name="kName"/>. K defaults to now and T to K. K must
    /// not be in the future (a shared link would change meaning as time passes) and T must not be after
    /// K (the ledger cannot know at K what happened after K).
    /// </summary>
    public static AsOfPoint Parse(StrictQuery q, string tName, string kName, DateTimeOffset now, bool required = false)
    {
        var t = q.Instant(tName);
        var k = q.Instant(kName);
        if (required && t is null && k is null)
            q.Add($"{tName}, {kName}: give at least one of them for this as-of point");
        var kk = k ?? now;
        var tt = t ?? kk;
        if (kk > now)
            q.Add($"{kName}: {PortalUrls.Instant(kk)} is in the future; the system time K must be at or before now ({PortalUrls.Instant(now)})");
        if (tt > kk)
            q.Add($"{tName}: business time {PortalUrls.Instant(tt)} is after the system time {kName} = {PortalUrls.Instant(kk)}; nothing recorded by K can say what happened after K");
        return new AsOfPoint(tt, kk);
    }
}

/// <summary>
/// The <c>unmask</c> parameter of the old GET form and JSON API. A justification in a URL ends up in browser
/// history, proxy and server logs; personal data is now revealed by a grant in a case (<c>GrantDialog</c>,
/// docs/workspace.md), so an address that still carries one is refused with a 400 before anything is queried or logged.
/// </summary>
public static class UnmaskParameter
{
    public const string Name = "unmask";

    public const string Problem = Name + ": a justification is not accepted in the address (it would stay in browser history and logs); "
        + "choose a case and use \"Reveal personal data…\" on the page instead";

    public static void Refuse(StrictQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        if (q.Text(Name, QueryPurpose.MaximumLength) is not null)
            q.Add(Problem);
    }
}

using System.Globalization;
using System.Text;
using AuditPortal.Portal.Timeline;

namespace AuditPortal.Portal;

/// <summary>Every URL the portal links to, built in one place.</summary>
public static partial class PortalUrls
{
    public const string Home = "/";
    public const string Login = "/login";
    public const string Logout = "/logout";
    public const string Health = "/healthz";
    public const string HealthDetails = "/healthz/details";
    public const string Timeline = "/timeline";
    public const string Verification = "/verification";
    public const string Error = "/error";
    public const string StreamEventsPattern = "/api/streams/{type}/{id}/events";

    public static string StreamEvents(string type, string id) =>
        $"/api/streams/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(id)}/events";

    public const string VerificationRuns = "/verification/runs";
    public const string VerificationRunEventsPattern = "/verification/runs/{id:guid}/events";
    public const string VerificationRunCancelPattern = "/verification/runs/{id:guid}/cancel";
    public const string Checkpoints = "/verification/checkpoints";
    public const string Proofs = "/verification/proofs";
    public const string InclusionProofDownload = "/verification/proofs/inclusion.json";
    public const string ConsistencyProofDownload = "/verification/proofs/consistency.json";
    public const string EvidenceVerify = "/evidence/verify";

    public static string VerificationRun(Guid id) => $"{VerificationRuns}/{id:D}";

    public const string Cases = "/cases";

    public static string Case(Guid id) => $"{Cases}/{id:D}";

    public static string VerificationRunEvents(Guid id, int afterFinding = 0) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{VerificationRuns}/{id:D}/events?after={afterFinding}");

    public static string VerificationRunCancel(Guid id) => $"{VerificationRuns}/{id:D}/cancel";

    /// <summary>
    /// The one link to an event, from anywhere (search hits, as-of lists, proofs, verification findings):
    /// its stream's timeline at the page that holds it, the row selected, expanded and scrolled to.
    /// <paramref name="streamSeq"/> is the event's position in its stream (<c>stream_seq</c>), not the global
    /// <c>seq</c>; without it, the timeline's first page.
    /// </summary>
    public static string TimelineEvent(string streamType, string streamId, long? streamSeq) =>
        streamSeq is { } s
            ? WithQuery(StreamPath(streamType, streamId), (TimelineCriteria.EventParameter, Number(s))) + "#" + EventAnchor(s)
            : StreamPath(streamType, streamId);

    public static string InclusionProof(long seq, long size) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Proofs}?seq={seq}&size={size}");

    public static string ConsistencyProof(long size1, long size2) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Proofs}?size1={size1}&size2={size2}");

    public static string InclusionProofJson(long seq, long size) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{InclusionProofDownload}?seq={seq}&size={size}");

    public static string ConsistencyProofJson(long size1, long size2) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ConsistencyProofDownload}?size1={size1}&size2={size2}");

    // ---- Timelines. Every link, filter and as-of view has one stable URL built here:
    // parameters in a fixed order, defaults omitted, each value escaped exactly once.

    /// <summary>An instant as URLs and the access log carry it: UTC, ISO 8601, fractional seconds only when present.</summary>
    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>The search page with these criteria (page given by the criteria's trail).</summary>
    public static string Search(SearchCriteria c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return WithQuery(Timeline,
            ("type", c.StreamType), ("id", c.StreamId), ("match", c.Prefix ? "prefix" : null),
            ("actor", c.Actor), ("action", c.Action),
            ("axis", c.Window is not null && c.Axis == Data.Timeline.TimeAxis.System ? "system" : null),
            ("from", c.From is { } f ? Instant(f) : null), ("to", c.To is { } t ? Instant(t) : null),
            ("q", c.Text), ("stale", c.StaleOnly ? "true" : null),
            ("dir", c.Descending is { } descending ? (descending ? "desc" : "asc") : null),
            ("size", c.PageSize == Data.Timeline.SearchRequest.DefaultPageSize ? null : Number(c.PageSize)),
            ("pages", c.Trail.Cursors.Count == 0 ? null : c.Trail.ToString()));
    }

    /// <summary>One entity's timeline, unfiltered, first page.</summary>
    public static string EntityTimeline(string type, string id) => StreamPath(type, id);

    /// <summary>One entity's timeline with filters, order and page.</summary>
    public static string EntityTimeline(TimelineCriteria c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return WithQuery(StreamPath(c.Stream.Type, c.Stream.Id),
            ("action", c.Action), ("actor", c.Actor),
            ("axis", c.Window is not null && c.Axis == Data.Timeline.TimeAxis.System ? "system" : null),
            ("from", c.From is { } f ? Instant(f) : null), ("to", c.To is { } t ? Instant(t) : null),
            ("mark", c.Mark), ("label", c.Label),
            ("order", c.Order == Data.Timeline.TimelineOrder.StreamSeq ? null : TimelineCriteria.OrderText(c.Order)),
            ("dir", c.Descending ? "desc" : null),
            ("size", c.PageSize == TimelineCriteria.DefaultPageSize ? null : Number(c.PageSize)),
            ("pages", c.Trail.Cursors.Count == 0 ? null : c.Trail.ToString()),
            (TimelineCriteria.EventParameter, c.Event is { } e ? Number(e) : null))
            + (c.Event is { } selected ? "#" + EventAnchor(selected) : "");
    }

    /// <summary>An anchor on a timeline page: the event with this stream_seq.</summary>
    public static string EventAnchor(long streamSeq) => "event-" + Number(streamSeq);

    /// <summary>State of the entity at business time <paramref name="t"/> as known at system time <paramref name="k"/>.</summary>
    public static string AsOf(string type, string id, DateTimeOffset t, DateTimeOffset k) =>
        WithQuery(StreamPath(type, id) + "/as-of", ("t", Instant(t)), ("k", Instant(k)));

    /// <summary>The state right after an event: business time T = its business time (at most K), as known at K = its system time.</summary>
    public static string AsOfEvent(string type, string id, DateTimeOffset occurredAt, DateTimeOffset recordedAt) =>
        AsOf(type, id, occurredAt <= recordedAt ? occurredAt : recordedAt, recordedAt);

    /// <summary>The as-of form before any point is chosen (T = K = now).</summary>
    public static string AsOfNow(string type, string id) => StreamPath(type, id) + "/as-of";

    /// <summary>Differences between the as-of states (t1, k1) and (t2, k2).</summary>
    public static string Diff(string type, string id, AsOfPoint before, AsOfPoint after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return WithQuery(StreamPath(type, id) + "/diff",
            ("t1", Instant(before.T)), ("k1", Instant(before.K)), ("t2", Instant(after.T)), ("k2", Instant(after.K)));
    }

    /// <summary>The per-entity proof details.</summary>
    public static string Proof(string type, string id) => StreamPath(type, id) + "/proof";

    // ---- Lineage (docs/lineage.md). An event is named by its event id.

    public const string StaleOutputsPath = "/lineage/stale";

    /// <summary>The backward lineage of an event, with <paramref name="expand"/>ed nodes (dot-separated ids, in order).</summary>
    public static string Lineage(Guid eventId, IReadOnlyList<Guid>? expand = null) =>
        WithQuery($"/lineage/{eventId:D}", ("expand", expand is { Count: > 0 } ? string.Join('.', expand.Select(g => g.ToString("D"))) : null));

    /// <summary>The forward impact of an event; <paramref name="trail"/> holds the seq each earlier page ended at.</summary>
    public static string LineageImpact(Guid eventId, IReadOnlyList<long>? trail = null) =>
        WithQuery($"/lineage/{eventId:D}/impact", ("pages", trail is { Count: > 0 } ? string.Join('.', trail.Select(Number)) : null));

    public static string LineageReplay(Guid eventId) => $"/lineage/{eventId:D}/replay";

    /// <summary>The ledger-wide stale outputs; <paramref name="trail"/> holds the cursor each earlier page ended at.</summary>
    public static string StaleOutputs(IEnumerable<string>? trail = null) =>
        WithQuery(StaleOutputsPath, ("pages", trail?.ToList() is { Count: > 0 } t ? string.Join('.', t) : null));

    private static string StreamPath(string type, string id) =>
        $"{Timeline}/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(id)}";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var url = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null)
                continue;
            url.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return url.ToString();
    }
}

using System.Text.Json.Nodes;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Timeline;
using AuditPortal.Portal.Redaction;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Portal.Timeline;

/// <summary>Search results: entities or events. Neither carries a payload (event summaries skip personal-data envelopes).</summary>
public sealed record SearchView(SearchCriteria Criteria, SearchPage<StreamHit>? Streams, SearchPage<EventHit>? Events) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];
}

/// <summary>One timeline event and its payload, which the gateway redacts in place before the page sees it.</summary>
public sealed record TimelineRow(TimelineItem Item, JsonObject Payload);

/// <summary>
/// A timeline page: its rows, the events they correct or are corrected by that are not on this page
/// (so both sides of a correction are always visible), and the stream's proof badge.
/// </summary>
public sealed record TimelineView(
    TimelineCriteria Criteria,
    TimelinePage Page,
    IReadOnlyList<TimelineRow> Rows,
    IReadOnlyDictionary<Guid, TimelineRow> Related,
    ProofBadge? Proof,
    IReadOnlyDictionary<long, IReadOnlyList<Data.Lineage.LineageNode>>? Stale = null) : IRedactable
{
    /// <summary>The corrections that make the row with <paramref name="seq"/> a stale output (docs/lineage.md); empty when it is not one.</summary>
    public IReadOnlyList<Data.Lineage.LineageNode> StaleBecause(long seq) => Stale?.GetValueOrDefault(seq) ?? [];

    public IEnumerable<JsonObject> Payloads => Rows.Select(r => r.Payload).Concat(Related.Values.Select(r => r.Payload));

    /// <summary>A row on this page or among the related ones.</summary>
    public TimelineRow? Find(Guid eventId) =>
        Rows.FirstOrDefault(r => r.Item.EventId == eventId) ?? Related.GetValueOrDefault(eventId);

    public bool IsOnPage(Guid eventId) => Rows.Any(r => r.Item.EventId == eventId);
}

/// <summary>The proof shown as a badge: the data layer's result, and whether it came from the portal's short-lived cache.</summary>
public sealed record ProofBadge(StreamProof Proof, DateTimeOffset ComputedAt, bool FromCache)
{
    public ILookup<long, Finding> FindingsBySeq { get; } = Proof.FindingsBySeq;
}

/// <summary>The as-of state; <see cref="State"/> is a redacted copy of <see cref="AsOfState.Json"/>.</summary>
public sealed record AsOfView(AsOfPoint Point, AsOfState Raw, JsonObject State) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [State];

    public bool StreamExists => Raw.Applied.Count + Raw.Excluded.Count > 0;
}

/// <summary>
/// One difference between two states. <see cref="Values"/> holds <c>before</c>/<c>after</c> as JSON so
/// the gateway redacts them like payloads: a changed personal field shows as masked on both sides (or
/// decrypted, under an investigator's unmask). Each side keeps the field's own name
/// (<c>{"before":{"address":…}}</c>) because an envelope's decryption is bound to its field name.
/// </summary>
public sealed record DiffRow(StateChange Change, JsonObject Values)
{
    /// <summary>The changed member's name: the last segment of the JSON Pointer, unescaped (RFC 6901).</summary>
    public string Field { get; } = FieldOf(Change.Path);

    public static DiffRow From(StateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var field = FieldOf(change.Path);
        return new DiffRow(change, new JsonObject
        {
            ["before"] = Side(field, change.Before),
            ["after"] = Side(field, change.After),
        });
    }

    /// <summary>The value before (redacted); null when it was absent.</summary>
    public JsonNode? Before => (Values["before"] as JsonObject)?[Field];

    /// <summary>The value after (redacted); null when it is absent.</summary>
    public JsonNode? After => (Values["after"] as JsonObject)?[Field];

    private static JsonObject? Side(string field, string? canonical) =>
        canonical is null ? null : new JsonObject { [field] = JsonNode.Parse(canonical) };

    private static string FieldOf(string pointer) =>
        pointer[(pointer.LastIndexOf('/') + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}

public sealed record DiffView(AsOfView Before, AsOfView After, IReadOnlyList<DiffRow> Changes) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => Before.Payloads.Concat(After.Payloads).Concat(Changes.Select(c => c.Values));
}

/// <summary>The proof details page.</summary>
public sealed record ProofView(StreamProof Proof) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];
}

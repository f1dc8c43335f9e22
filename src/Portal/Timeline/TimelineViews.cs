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

/// <summary>
/// One timeline event and its payload, which the gateway redacts in place before the page sees it. A page keeps its
/// rows <see cref="AtRest"/>: the redacted payload as text, parsed again only for the row that is expanded.
/// </summary>
public sealed record TimelineRow(TimelineItem Item, JsonObject? Payload, byte[]? RedactedUtf8 = null)
{
    /// <summary>The redacted payload (a fresh parse for a row at rest).</summary>
    public JsonObject RedactedPayload() => Payload ?? (RedactedUtf8 is null ? [] : JsonNode.Parse(RedactedUtf8) as JsonObject ?? []);

    /// <summary>
    /// What an open page keeps of the row: the redacted payload as UTF-8 JSON (a parsed payload is several times its
    /// text), and the item without its stored payload text (the ledger's, with personal data encrypted; nothing shows it).
    /// </summary>
    public TimelineRow AtRest() =>
        Payload is null ? this : new(Item with { PayloadJson = "" }, null, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Payload));
}

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

    /// <summary>The payloads to redact: a view from the query has every one (rows at rest were redacted before).</summary>
    public IEnumerable<JsonObject> Payloads => Rows.Concat(Related.Values).Select(r => r.Payload).OfType<JsonObject>();

    /// <summary>The view as an open page keeps it once redacted (<see cref="TimelineRow.AtRest"/>).</summary>
    public TimelineView AtRest()
    {
        var rows = Rows.Select(r => r.AtRest()).ToList();
        return this with
        {
            Page = Page with { Items = rows.Select(r => r.Item).ToList() },
            Rows = rows,
            Related = Related.ToDictionary(kv => kv.Key, kv => kv.Value.AtRest()),
        };
    }

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

/// <summary>
/// The as-of state: <see cref="State"/> is a redacted copy of <see cref="AsOfState.Json"/>; <see cref="Listing"/> is
/// what the page lists of the replay (not the replay: a page keeps this while it is open).
/// </summary>
public sealed record AsOfView(AsOfPoint Point, AsOfListing Listing, JsonObject State) : IRedactable
{
    public static AsOfView Of(AsOfPoint point, AsOfState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new AsOfView(point, AsOfListing.Of(state), state.ToJsonObject());
    }

    public IEnumerable<JsonObject> Payloads => [State];

    public bool StreamExists => Listing.StreamExists;
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

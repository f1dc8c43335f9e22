using System.Text.Json.Nodes;
using AuditPortal.Data.Lineage;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Timeline;

namespace AuditPortal.Portal.Lineage;

/// <summary>
/// The lineage page's view: the output's backward lineage and the lineage of every node expanded on demand
/// (<see cref="Expand"/>, from the URL). Summaries only, no payloads: nothing for the redaction to mask.
/// </summary>
public sealed record LineageView(BackwardLineage Root, IReadOnlyDictionary<Guid, BackwardLineage> Expanded, IReadOnlyList<Guid> Expand) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];

    /// <summary>The lineage of <paramref name="id"/> if it was loaded (the root, or an expanded node).</summary>
    public BackwardLineage? Of(Guid id) => id == Root.Output.EventId ? Root : Expanded.GetValueOrDefault(id);
}

/// <summary>A page of forward impact; <see cref="Trail"/> is the "after" seq of every page before it.</summary>
public sealed record ImpactView(ImpactPage Page, IReadOnlyList<long> Trail) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];
}

/// <summary>A page of the ledger-wide stale outputs; <see cref="Trail"/> leads to it.</summary>
public sealed record StaleView(StalePage Page, IReadOnlyList<StaleCursor> Trail) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];
}

/// <summary>
/// A replay. Whether it reproduced the output byte for byte is decided on the stored bytes before redaction
/// (<see cref="LineageReplay"/>); what is shown — the recorded payload, both replayed payloads and every changed
/// value — is redacted like any payload (the carried personal members are envelopes).
/// </summary>
public sealed record ReplayView(ReplayResult Result, JsonObject Recorded, JsonObject? Replayed, JsonObject? Today,
    IReadOnlyList<DiffRow> RecordedChanges, IReadOnlyList<DiffRow> TodayChanges) : IRedactable
{
    public IEnumerable<JsonObject> Payloads =>
        new[] { Recorded, Replayed, Today }.OfType<JsonObject>()
            .Concat(RecordedChanges.Select(c => c.Values)).Concat(TodayChanges.Select(c => c.Values));

    public static ReplayView From(ReplayResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ReplayView(result, Parse(result.RecordedPayload)!, Parse(result.Recorded?.Payload), Parse(result.Today?.Payload),
            (result.Recorded?.Changes ?? []).Select(DiffRow.From).ToList(), (result.Today?.Changes ?? []).Select(DiffRow.From).ToList());
    }

    private static JsonObject? Parse(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;
}

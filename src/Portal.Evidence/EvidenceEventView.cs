using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Timeline;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Evidence;

/// <summary>One payload field as printed: its path (<c>holder.name</c>, <c>choices[0]</c>) and its text, masked or not.</summary>
public sealed record EvidenceField(string Path, string Text, bool Personal);

/// <summary>
/// One exported event as the PDF prints it, read from the bundle's canonical record (never from anything else, so
/// the page shows what the proofs prove): times, actor, action, the summary line, every payload field with personal
/// fields as the presenter says, and the marks a reader needs — correction, superseded, late arrival.
/// </summary>
public sealed record EvidenceEventView
{
    /// <summary>Longest value printed in full; the rest is in the embedded bundle.</summary>
    public const int MaxValueLength = 2_000;

    public required long Seq { get; init; }
    public required long StreamSeq { get; init; }
    public required Guid EventId { get; init; }
    public required DateTime OccurredAt { get; init; }
    public required DateTime RecordedAt { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required string Summary { get; init; }
    public required IReadOnlyList<EvidenceField> Fields { get; init; }
    public Guid? Supersedes { get; init; }
    public string? Lineage { get; init; }

    /// <summary>A derived event's input event ids, in recorded order (empty when not derived).</summary>
    public IReadOnlyList<Guid> LineageInputs { get; init; } = [];
    public required bool LateArrival { get; init; }

    /// <summary>The stream sequences of the exported events that correct this one (filled in by <see cref="ReadAll"/>).</summary>
    public IReadOnlyList<long> SupersededBy { get; init; } = [];

    /// <summary>The stream sequence of the event this one corrects, when it is in the export.</summary>
    public long? SupersedesStreamSeq { get; init; }

    /// <summary>Every event of <paramref name="bundle"/>, with corrections linked both ways and late arrivals marked.</summary>
    public static IReadOnlyList<EvidenceEventView> ReadAll(EvidenceBundleV2 bundle, IPersonalFieldPresenter presenter)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var views = bundle.Events.Select(e => Read(e, presenter)).ToList();
        var byId = views.ToDictionary(v => v.EventId);
        var correctedBy = views.Where(v => v.Supersedes is { } s && byId.ContainsKey(s))
            .ToLookup(v => v.Supersedes!.Value, v => v.StreamSeq);
        return views.Select(v => v with
        {
            SupersededBy = correctedBy[v.EventId].ToArray(),
            SupersedesStreamSeq = v.Supersedes is { } s && byId.TryGetValue(s, out var target) ? target.StreamSeq : null,
        }).ToArray();
    }

    public static EvidenceEventView Read(EvidenceEvent e, IPersonalFieldPresenter presenter)
    {
        ArgumentNullException.ThrowIfNull(e);
        var record = JsonNode.Parse(e.Canonical)!.AsObject();
        var payload = record["payload"]!.AsObject();
        var fields = new List<EvidenceField>();
        foreach (var (name, value) in payload)
            Flatten(name, name, value, presenter, fields);
        var occurred = LedgerTime.Parse(record["occurred_at"]!.GetValue<string>());
        var recorded = LedgerTime.Parse(record["recorded_at"]!.GetValue<string>());
        var action = record["action"]!.GetValue<string>();
        return new EvidenceEventView
        {
            Seq = e.Seq,
            StreamSeq = record["stream_seq"]!.GetValue<long>(),
            EventId = Guid.Parse(record["event_id"]!.GetValue<string>()),
            OccurredAt = occurred,
            RecordedAt = recorded,
            Actor = PrintableText.Of(record["actor"]!.GetValue<string>()),
            Action = PrintableText.Of(action),
            Summary = PrintableText.Of(TimelineSummaries.Summarize(action, payload)),
            Fields = fields,
            Supersedes = record["supersedes"] is JsonValue s ? Guid.Parse(s.GetValue<string>()) : null,
            Lineage = record["lineage"] is JsonObject l
                ? PrintableText.Of($"rule {l["rule_id"]} version {l["rule_version"]} from {l["inputs"]!.AsArray().Count} input event(s)")
                : null,
            LineageInputs = record["lineage"] is JsonObject li ? [.. li["inputs"]!.AsArray().Select(x => Guid.Parse(x!.GetValue<string>()))] : [],
            LateArrival = recorded - occurred >= TimelineQuery.DefaultLateArrivalThreshold,
        };
    }

    // The field name of an envelope is the member it is stored under (docs/ledger-format.md §7), also inside arrays.
    private static void Flatten(string path, string field, JsonNode? node, IPersonalFieldPresenter presenter, List<EvidenceField> into)
    {
        switch (node)
        {
            case JsonObject obj when PersonalDataCipher.SubjectOf(obj) is { } subject:
                into.Add(new EvidenceField(PrintableText.Of(path), Show(presenter.Present(subject, field, obj)), true));
                break;
            case JsonObject obj when obj.ContainsKey(PersonalDataEnvelope.Marker):
                into.Add(new EvidenceField(PrintableText.Of(path), "[personal data: unreadable envelope]", true));
                break;
            case JsonObject obj when obj.Count == 0:
                into.Add(new EvidenceField(PrintableText.Of(path), "{}", false));
                break;
            case JsonObject obj:
                foreach (var (name, child) in obj)
                    Flatten(path + "." + name, name, child, presenter, into);
                break;
            case JsonArray array when array.Count == 0:
                into.Add(new EvidenceField(PrintableText.Of(path), "[]", false));
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    Flatten(string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), field, array[i], presenter, into);
                break;
            default:
                into.Add(new EvidenceField(PrintableText.Of(path), Cap(Scalar(node)), false));
                break;
        }
    }

    private static string Show(PersonalFieldDisplay display) => display switch
    {
        PersonalFieldDisplay.Erased => PersonalDataTexts.Erased,
        PersonalFieldDisplay.Revealed r => Cap(Scalar(r.Value)) + $"  (revealed under grant {r.Grant})",
        _ => PersonalDataTexts.Masked,
    };

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    // Ledger text is escaped here (PrintableText), so nothing in a value can hide, reorder or break a printed line.
    private static string Cap(string text) => PrintableText.Of(text.Length <= MaxValueLength
        ? text
        : string.Create(CultureInfo.InvariantCulture, $"{text[..MaxValueLength]}… ({text.Length - MaxValueLength} more characters: the full value is in the embedded bundle)"));
}

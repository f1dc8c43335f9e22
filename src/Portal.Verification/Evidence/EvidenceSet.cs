using System.Text.Json.Serialization;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// An evidence set (docs/ledger-format.md §8.8): the events of an export that spans several streams — a case's starred
/// events, or an output with its lineage closure — as one format 2 bundle per stream, each holding exactly the
/// exported events of its stream (<c>"complete": false</c> as a rule), all proved against ONE signed checkpoint.
/// </summary>
public sealed record EvidenceSet
{
    public const string FormatName = "auditportal-evidence-set/v1";

    /// <summary>The scope kind of a case's starred events.</summary>
    public const string Starred = "starred";

    /// <summary>The scope kind of an output and every input it was derived from, recursively.</summary>
    public const string Lineage = "lineage";

    [JsonPropertyName("format")] public required string Format { get; init; }
    [JsonPropertyName("exported_at")] public required string ExportedAt { get; init; }
    [JsonPropertyName("exported_by")] public required string? ExportedBy { get; init; }
    [JsonPropertyName("scope")] public required EvidenceSetScope Scope { get; init; }
    [JsonPropertyName("bundles")] public required IReadOnlyList<EvidenceBundleV2> Bundles { get; init; }
}

/// <summary>What the set is of: <see cref="EvidenceSet.Starred"/> (the case named) or <see cref="EvidenceSet.Lineage"/> (the output's event id).</summary>
public sealed record EvidenceSetScope
{
    [JsonPropertyName("kind")] public required string Kind { get; init; }

    /// <summary>The case the export belongs to, as the exporter names it; a claim, signed by nothing.</summary>
    [JsonPropertyName("case")] public required string? Case { get; init; }

    /// <summary>For a lineage closure the output's event id (lowercase UUID), whose inputs the set must hold; null for starred events.</summary>
    [JsonPropertyName("output")] public required string? Output { get; init; }
}

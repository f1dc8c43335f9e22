using System.Text.Json.Serialization;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// The chain proof of an access-log review period (docs/access-log-review.md, "The chain proof of a review period"):
/// the access-log events of the period's queries (requests and their outcomes) and the entry that recorded the export,
/// each as its canonical record, with one multi-leaf proof (<see cref="Merkle.MultiLeafProof"/>) that all of them
/// are at their positions in the access log's signed checkpoint.
/// </summary>
public sealed record AccessLogReviewBundle
{
    public const string FormatName = "auditportal-access-log-review/v1";

    [JsonPropertyName("format")] public required string Format { get; init; }
    [JsonPropertyName("export_id")] public required string ExportId { get; init; }
    [JsonPropertyName("exported_at")] public required string ExportedAt { get; init; }
    [JsonPropertyName("exported_by")] public required string ExportedBy { get; init; }

    /// <summary>The period of the requests' times, [from, to); a null bound is open.</summary>
    [JsonPropertyName("period")] public required AccessLogReviewPeriod Period { get; init; }

    /// <summary>The browser's other filters as given (name → value), for the reader; empty when none.</summary>
    [JsonPropertyName("filters")] public required IReadOnlyDictionary<string, string> Filters { get; init; }

    /// <summary>The seq of the <c>accesslog.export</c> request that recorded this export; it is one of <see cref="Entries"/>.</summary>
    [JsonPropertyName("export_entry_seq")] public required long ExportEntrySeq { get; init; }

    [JsonPropertyName("checkpoint")] public required EvidenceNote Checkpoint { get; init; }
    [JsonPropertyName("public_key")] public required string PublicKeyPem { get; init; }
    [JsonPropertyName("key_id")] public required string KeyId { get; init; }
    [JsonPropertyName("vkeys")] public required IReadOnlyList<string> Vkeys { get; init; }

    /// <summary>Strictly increasing seq; each the leaf seq − 1 of the checkpoint's tree.</summary>
    [JsonPropertyName("entries")] public required IReadOnlyList<AccessLogReviewEntry> Entries { get; init; }

    /// <summary>The multi-leaf proof of every entry against the checkpoint's root, hex.</summary>
    [JsonPropertyName("proof")] public required IReadOnlyList<string> Proof { get; init; }
}

public sealed record AccessLogReviewPeriod
{
    [JsonPropertyName("from")] public required string? From { get; init; }
    [JsonPropertyName("to")] public required string? To { get; init; }
}

/// <summary>One access-log event: its seq and its canonical record (docs/ledger-format.md §2).</summary>
public sealed record AccessLogReviewEntry
{
    [JsonPropertyName("seq")] public required long Seq { get; init; }
    [JsonPropertyName("canonical")] public required string Canonical { get; init; }
}

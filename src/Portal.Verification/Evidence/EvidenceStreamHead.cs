using System.Text.Json.Serialization;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// A version 2 bundle's proof of its stream's head in the checkpoint's stream-head tree
/// (docs/ledger-format.md §8.7): <see cref="Head"/> when the stream has events at the checkpoint,
/// otherwise the neighbours <see cref="Left"/> and <see cref="Right"/> that prove it has none.
/// </summary>
public sealed record EvidenceStreamHead
{
    [JsonPropertyName("count")] public required long Count { get; init; }
    [JsonPropertyName("head")] public required EvidenceHeadEntry? Head { get; init; }
    [JsonPropertyName("left")] public required EvidenceHeadEntry? Left { get; init; }
    [JsonPropertyName("right")] public required EvidenceHeadEntry? Right { get; init; }
}

/// <summary>One leaf of the stream-head tree with its audit path.</summary>
public sealed record EvidenceHeadEntry
{
    [JsonPropertyName("index")] public required long Index { get; init; }
    [JsonPropertyName("stream_type")] public required string StreamType { get; init; }
    [JsonPropertyName("stream_id")] public required string StreamId { get; init; }
    [JsonPropertyName("stream_seq")] public required long StreamSeq { get; init; }

    /// <summary>Hex leaf hash of the stream's head event.</summary>
    [JsonPropertyName("leaf_hash")] public required string LeafHash { get; init; }

    [JsonPropertyName("proof")] public required IReadOnlyList<string> Proof { get; init; }
}

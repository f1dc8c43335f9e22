using System.Text.Json.Serialization;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// One event's inclusion proof as a self-contained document (docs/ledger-format.md §8.2; every member always present, <see cref="Checkpoint"/> null when no checkpoint signs <see cref="TreeSize"/>): the event's
/// canonical bytes, its audit path to the root of <see cref="TreeSize"/>, and — when that size was
/// checkpointed — the signed checkpoint and public key that make the root worth believing.
/// </summary>
public sealed record InclusionProofDocument
{
    public const string FormatName = "auditportal-inclusion-proof/v1";

    [JsonPropertyName("format")] public required string Format { get; init; }
    [JsonPropertyName("seq")] public required long Seq { get; init; }
    [JsonPropertyName("leaf_index")] public required long LeafIndex { get; init; }
    [JsonPropertyName("tree_size")] public required long TreeSize { get; init; }
    [JsonPropertyName("canonical")] public required string Canonical { get; init; }
    [JsonPropertyName("leaf_hash")] public required string LeafHash { get; init; }
    [JsonPropertyName("proof")] public required IReadOnlyList<string> Proof { get; init; }
    [JsonPropertyName("root_hash")] public required string RootHash { get; init; }
    [JsonPropertyName("checkpoint")] public required EvidenceCheckpoint? Checkpoint { get; init; }
    [JsonPropertyName("public_key")] public required string PublicKeyPem { get; init; }
    [JsonPropertyName("key_id")] public required string KeyId { get; init; }
}

/// <summary>
/// A consistency proof between two tree sizes (§8.3; every member always present, a checkpoint null when none signs its size): the smaller tree is a prefix of the larger, so
/// nothing committed at <see cref="Size1"/> was changed or removed by <see cref="Size2"/>.
/// </summary>
public sealed record ConsistencyProofDocument
{
    public const string FormatName = "auditportal-consistency-proof/v1";

    [JsonPropertyName("format")] public required string Format { get; init; }
    [JsonPropertyName("size1")] public required long Size1 { get; init; }
    [JsonPropertyName("size2")] public required long Size2 { get; init; }
    [JsonPropertyName("root1")] public required string Root1 { get; init; }
    [JsonPropertyName("root2")] public required string Root2 { get; init; }
    [JsonPropertyName("proof")] public required IReadOnlyList<string> Proof { get; init; }
    [JsonPropertyName("checkpoint1")] public required EvidenceCheckpoint? Checkpoint1 { get; init; }
    [JsonPropertyName("checkpoint2")] public required EvidenceCheckpoint? Checkpoint2 { get; init; }
    [JsonPropertyName("public_key")] public required string PublicKeyPem { get; init; }
    [JsonPropertyName("key_id")] public required string KeyId { get; init; }
}

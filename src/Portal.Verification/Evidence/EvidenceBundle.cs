using System.Text.Json.Serialization;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// The machine-readable evidence an investigator exports (docs/ledger-format.md §8): events with their
/// canonical bytes, leaf hashes and inclusion proofs against one signed checkpoint, plus the public key.
/// Everything needed to check it offline is inside; nothing in it needs to be trusted except the key.
/// </summary>
public sealed record EvidenceBundle
{
    public const string FormatName = "auditportal-evidence/v1";

    [JsonPropertyName("format")] public required string Format { get; init; }
    [JsonPropertyName("exported_at")] public required string ExportedAt { get; init; }
    [JsonPropertyName("exported_by")] public required string? ExportedBy { get; init; }
    [JsonPropertyName("stream")] public required EvidenceStream Stream { get; init; }
    [JsonPropertyName("events")] public required IReadOnlyList<EvidenceEvent> Events { get; init; }
    [JsonPropertyName("checkpoint")] public required EvidenceCheckpoint Checkpoint { get; init; }
    [JsonPropertyName("public_key")] public required string PublicKeyPem { get; init; }
    [JsonPropertyName("key_id")] public required string KeyId { get; init; }
}

/// <summary>The stream the events belong to; <see cref="Complete"/> claims the events are all of it, from stream_seq 1.</summary>
public sealed record EvidenceStream
{
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("complete")] public required bool Complete { get; init; }
}

public sealed record EvidenceEvent
{
    [JsonPropertyName("seq")] public required long Seq { get; init; }
    [JsonPropertyName("leaf_index")] public required long LeafIndex { get; init; }

    /// <summary>The event's canonical JSON text; its UTF-8 bytes are the Merkle leaf.</summary>
    [JsonPropertyName("canonical")] public required string Canonical { get; init; }

    [JsonPropertyName("leaf_hash")] public required string LeafHash { get; init; }
    [JsonPropertyName("inclusion_proof")] public required IReadOnlyList<string> InclusionProof { get; init; }
}

public sealed record EvidenceCheckpoint
{
    /// <summary>The checkpoint text exactly as signed (§5).</summary>
    [JsonPropertyName("text")] public required string Text { get; init; }

    /// <summary>Base64 of the DER ECDSA signature.</summary>
    [JsonPropertyName("signature")] public required string Signature { get; init; }
}

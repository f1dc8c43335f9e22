using System.Text.Json.Serialization;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// A format 2 evidence bundle (docs/ledger-format.md §8.7): a version 1 bundle whose checkpoint is a C2SP signed
/// note, with the signing keys' vkeys and the proof of the stream's head in the checkpoint's stream-head tree —
/// so a complete bundle proves it holds every event of the stream up to the checkpoint.
/// </summary>
public sealed record EvidenceBundleV2
{
    public const string FormatName = "auditportal-evidence/v2";

    [JsonPropertyName("format")] public required string Format { get; init; }
    [JsonPropertyName("exported_at")] public required string ExportedAt { get; init; }
    [JsonPropertyName("exported_by")] public required string? ExportedBy { get; init; }
    [JsonPropertyName("stream")] public required EvidenceStream Stream { get; init; }
    [JsonPropertyName("events")] public required IReadOnlyList<EvidenceEvent> Events { get; init; }
    [JsonPropertyName("checkpoint")] public required EvidenceNote Checkpoint { get; init; }
    [JsonPropertyName("public_key")] public required string PublicKeyPem { get; init; }
    [JsonPropertyName("key_id")] public required string KeyId { get; init; }

    /// <summary>The vkeys of the keys that sign the checkpoint note, the ECDSA one first.</summary>
    [JsonPropertyName("vkeys")] public required IReadOnlyList<string> Vkeys { get; init; }

    [JsonPropertyName("stream_head")] public required EvidenceStreamHead StreamHead { get; init; }
}

/// <summary>A format 2 checkpoint as published: its whole signed note (docs/ledger-format.md §5.2).</summary>
public sealed record EvidenceNote
{
    [JsonPropertyName("note")] public required string Note { get; init; }
}

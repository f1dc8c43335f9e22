using System.Text.Json;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Reads any document `auditportal evidence verify` accepts — an evidence bundle, an inclusion proof
/// or a consistency proof — by its "format" member, and checks it offline.
/// </summary>
public static class EvidenceFile
{
    public static EvidenceReport Verify(string json, CheckpointPublicKey? trustedKey = null)
    {
        string? format;
        try
        {
            using var doc = JsonDocument.Parse(json);
            format = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f)
                ? f.GetString()
                : null;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not a JSON document: {ex.Message}", ex);
        }
        return format switch
        {
            EvidenceBundle.FormatName => EvidenceBundleVerifier.Verify(Deserialize<EvidenceBundle>(json), trustedKey),
            EvidenceBundleV2.FormatName => EvidenceBundleV2Verifier.Verify(Deserialize<EvidenceBundleV2>(json), trustedKey),
            InclusionProofDocument.FormatName => ProofDocumentVerifier.Verify(Deserialize<InclusionProofDocument>(json), trustedKey),
            ConsistencyProofDocument.FormatName => ProofDocumentVerifier.Verify(Deserialize<ConsistencyProofDocument>(json), trustedKey),
            _ => throw new FormatException(
                $"unknown format '{format}': expected {EvidenceBundleV2.FormatName}, {EvidenceBundle.FormatName}, {InclusionProofDocument.FormatName} or {ConsistencyProofDocument.FormatName}"),
        };
    }

    private static T Deserialize<T>(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, new JsonSerializerOptions { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true })
                ?? throw new FormatException("the document is null");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"malformed {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}

using System.Text;
using System.Text.Json;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.StrictJson;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Reads any document `auditportal evidence verify` accepts — an evidence bundle (format 2 or 1), an inclusion proof
/// or a consistency proof — by its "format" member, strictly (<see cref="StrictJsonReader"/>), and checks it offline.
/// </summary>
/// <remarks>
/// Outcomes (docs/ledger-format.md §8.6): a report with findings for every document that is JSON with a known
/// format, including one that breaks a strict reading rule (a repeated or unknown member, a wrong type: the
/// document is rejected, with the rule and the path, and nothing further is checked in it); a
/// <see cref="FormatException"/> when nothing could be checked: not UTF-8 JSON, or no known format.
/// </remarks>
public static class EvidenceFile
{
    public static EvidenceReport Verify(string json, CheckpointPublicKey? trustedKey = null) =>
        Verify(Encoding.UTF8.GetBytes(json), trustedKey);

    /// <exception cref="FormatException">Not UTF-8 JSON, or not one of the four formats: nothing was checked.</exception>
    public static EvidenceReport Verify(ReadOnlySpan<byte> utf8, CheckpointPublicKey? trustedKey = null) => Verify(utf8, trustedKey, out _);

    /// <summary>
    /// Checks a format 2 bundle as <see cref="Verify(ReadOnlySpan{byte}, CheckpointPublicKey?)"/> does and hands back the
    /// bundle it read and checked, so that what is presented from it (an evidence PDF) is exactly what was checked, and
    /// the bytes are read once.
    /// </summary>
    /// <param name="bundle">The bundle as read; null when the document breaks a strict reading rule (the report's finding says which).</param>
    /// <exception cref="FormatException">Not UTF-8 JSON, or not a format 2 bundle: nothing was checked.</exception>
    public static EvidenceReport VerifyBundleV2(ReadOnlySpan<byte> utf8, CheckpointPublicKey? trustedKey, out EvidenceBundleV2? bundle)
    {
        var report = Verify(utf8, trustedKey, out var document);
        bundle = document as EvidenceBundleV2;
        if (bundle is null && report.Intact)
            throw new FormatException($"not a {EvidenceBundleV2.FormatName} bundle");
        return report;
    }

    /// <summary>As <see cref="VerifyBundleV2"/>, for an evidence set (§8.8).</summary>
    /// <exception cref="FormatException">Not UTF-8 JSON, or not an evidence set: nothing was checked.</exception>
    public static EvidenceReport VerifySet(ReadOnlySpan<byte> utf8, CheckpointPublicKey? trustedKey, out EvidenceSet? set)
    {
        var report = Verify(utf8, trustedKey, out var document);
        set = document as EvidenceSet;
        if (set is null && report.Intact)
            throw new FormatException($"not an {EvidenceSet.FormatName} document");
        return report;
    }

    private static EvidenceReport Verify(ReadOnlySpan<byte> utf8, CheckpointPublicKey? trustedKey, out object? document)
    {
        document = null;
        try
        {
            StrictJsonReader.CheckDocument(utf8);
            var format = Format(utf8);
            if (format == EvidenceBundleV2.FormatName)
            {
                var bundle = StrictJsonReader.Read<EvidenceBundleV2>(utf8);
                document = bundle;
                return EvidenceBundleV2Verifier.Verify(bundle, trustedKey);
            }
            if (format == EvidenceSet.FormatName)
            {
                var set = StrictJsonReader.Read<EvidenceSet>(utf8);
                document = set;
                return EvidenceSetVerifier.Verify(set, trustedKey);
            }
            return format switch
            {
                EvidenceBundle.FormatName => EvidenceBundleVerifier.Verify(StrictJsonReader.Read<EvidenceBundle>(utf8), trustedKey),
                InclusionProofDocument.FormatName => ProofDocumentVerifier.Verify(StrictJsonReader.Read<InclusionProofDocument>(utf8), trustedKey),
                ConsistencyProofDocument.FormatName => ProofDocumentVerifier.Verify(StrictJsonReader.Read<ConsistencyProofDocument>(utf8), trustedKey),
                AccessLogReviewBundle.FormatName => AccessLogReviewVerifier.Verify(StrictJsonReader.Read<AccessLogReviewBundle>(utf8), trustedKey),
                _ => throw new FormatException(
                    $"unknown format '{format}': expected {EvidenceBundleV2.FormatName}, {EvidenceSet.FormatName}, {EvidenceBundle.FormatName}, {InclusionProofDocument.FormatName}, {ConsistencyProofDocument.FormatName} or {AccessLogReviewBundle.FormatName}"),
            };
        }
        catch (StrictJsonException ex) when (ex.Rule == "json")
        {
            throw new FormatException($"not a JSON document: {ex.Message}", ex);
        }
        catch (StrictJsonException ex)
        {
            return Rejected(ex, trustedKey);
        }
    }

    /// <summary>A document that breaks a strict reading rule: one finding naming the rule and the path, nothing else checked.</summary>
    private static EvidenceReport Rejected(StrictJsonException ex, CheckpointPublicKey? trustedKey) =>
        new([new EvidenceFinding(ex.Rule, null, ex.Want, ex.Got, "the document breaks a strict reading rule (docs/ledger-format.md §1.1) and is rejected", ex.Path)],
            0, 0, "", trustedKey?.KeyId ?? "", trustedKey is not null);

    /// <summary>The document's <c>format</c> member, or null; without checking anything else.</summary>
    /// <exception cref="FormatException">Not JSON, or the top level not an object.</exception>
    public static string? FormatOf(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return Format(utf8);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not a JSON document: {ex.Message}", ex);
        }
    }

    // Runs after CheckDocument, so the text is JSON and "format" appears at most once.
    private static string? Format(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new FormatException("not an evidence document: the top level is not a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFormat = reader.ValueTextEquals("format"u8);
            reader.Read();
            if (isFormat)
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
        }
        return null;
    }
}

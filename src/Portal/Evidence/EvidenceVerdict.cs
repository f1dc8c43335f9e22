using System.Globalization;
using System.Security.Cryptography;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Portal.Evidence;

/// <summary>
/// What the verify page shows for one uploaded file: the same checks as <c>auditportal evidence verify</c>, offline,
/// for an evidence PDF or any JSON document it accepts. Pure: no database, no clock.
/// </summary>
public sealed record EvidenceVerdict(
    string FileSha256,
    string FileKind,
    bool Intact,
    IReadOnlyList<EvidenceFinding> Findings,
    IReadOnlyList<(string Label, string Value)> Facts,
    string? Unreadable)
{
    /// <summary>The largest file the page accepts (a 10,000-event evidence PDF is a few MB).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static EvidenceVerdict Check(byte[] file, CheckpointPublicKey? trustedKey)
    {
        ArgumentNullException.ThrowIfNull(file);
        var sha = Convert.ToHexStringLower(SHA256.HashData(file));
        try
        {
            if (EvidencePdfVerifier.LooksLikePdf(file))
            {
                var pdf = EvidencePdfVerifier.Verify(file, trustedKey);
                var facts = new List<(string, string)> { ("File SHA-256", sha) };
                if (pdf.Signature.Signer is { } signer)
                    facts.Add(("Signed by", $"{signer.Subject} (certificate SHA-256 {signer.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant()})"));
                facts.Add(("PDF signature", pdf.Signature.Valid ? "valid over every byte of the file" + (pdf.Signature.Timestamped ? ", with an RFC 3161 timestamp" : "") : "INVALID"));
                if (pdf.BundleSha256 is { } bundle)
                    facts.Add(("Embedded bundle SHA-256", bundle));
                AddBundleFacts(facts, pdf.Bundle);
                return new EvidenceVerdict(sha, "evidence PDF", pdf.Intact, pdf.Findings, facts, null);
            }
            var report = EvidenceFile.Verify(file, trustedKey);
            var jsonFacts = new List<(string, string)> { ("File SHA-256", sha) };
            AddBundleFacts(jsonFacts, report);
            return new EvidenceVerdict(sha, "JSON evidence document", report.Intact, report.Findings, jsonFacts, null);
        }
        catch (FormatException ex)
        {
            return new EvidenceVerdict(sha, "unreadable file", false, [], [("File SHA-256", sha)], ex.Message);
        }
    }

    private static void AddBundleFacts(List<(string, string)> facts, EvidenceReport? report)
    {
        if (report is null || report.CheckpointSize == 0)
            return;
        facts.Add(("Checkpoint", string.Create(CultureInfo.InvariantCulture, $"size {report.CheckpointSize:N0}, root {report.RootHash}")));
        facts.Add(("Checkpoint key", report.KeyId + (report.KeyPinned ? " (this portal's ledger key)" : " (the key the document carries: not this portal's)")));
        facts.Add(("Events checked", report.EventsChecked.ToString("N0", CultureInfo.InvariantCulture)));
    }
}

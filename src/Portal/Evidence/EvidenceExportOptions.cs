namespace AuditPortal.Portal.Evidence;

/// <summary><c>Portal:Evidence</c>: how the portal signs evidence PDFs and how many it makes at once (docs/evidence-pdf.md, docs/configuration.md).</summary>
public sealed class EvidenceExportOptions
{
    public const string Section = "Portal:Evidence";

    /// <summary>PEM certificate the PDFs are signed with (<c>./portal up</c>: <c>var/keys/evidence-signing-cert.pem</c>).</summary>
    public string? SigningCertificatePath { get; set; }

    /// <summary>Its PEM private key.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>URL of an RFC 3161 time-stamping authority, or empty for none.</summary>
    public string? TimestampAuthority { get; set; }

    /// <summary>Exports drawn at the same time by this process; more wait in the queue (each holds its PDF in memory until stored).</summary>
    public int MaxConcurrentExports { get; set; } = 1;
}

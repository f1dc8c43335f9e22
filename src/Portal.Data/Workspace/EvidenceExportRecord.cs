namespace AuditPortal.Data.Workspace;

/// <summary>
/// One evidence PDF exported within a case (<c>workspace.evidence_exports</c>, docs/evidence-pdf.md "Recorded").
/// Convenience, not the record: the record is the access-log entry of kind <c>evidence.export</c> appended before the
/// file was produced (<see cref="AccessLogSeq"/>); this row is written after it and before the export's outcome entry,
/// so the case's export list and the verify page's hash lookup can find the export. The portal only inserts these rows.
/// </summary>
public sealed class EvidenceExportRecord
{
    public Guid Id { get; set; }

    /// <summary>The export's id, printed on every page of the PDF (<c>exp-…</c>).</summary>
    public required string ExportId { get; set; }

    public Guid CaseId { get; set; }

    /// <summary>OIDC subject and display name of the investigator who exported it.</summary>
    public required string ExportedBy { get; set; }

    public required string ExportedByName { get; set; }

    public DateTimeOffset ExportedAt { get; set; }

    /// <summary>What was exported, e.g. <c>stream account/acc-1</c> (the only scope built so far).</summary>
    public required string Scope { get; set; }

    public int EventCount { get; set; }

    /// <summary>Size of the signed checkpoint the bundle was proved against.</summary>
    public long CheckpointSize { get; set; }

    /// <summary>SHA-256 of the whole signed PDF and of the embedded bundle, lowercase hex.</summary>
    public required string PdfSha256 { get; set; }

    public required string BundleSha256 { get; set; }

    /// <summary>The access-log entry (request seq) that recorded the export before the file was produced.</summary>
    public long AccessLogSeq { get; set; }
}

namespace AuditPortal.Data.Workspace;

/// <summary>
/// The signed PDF of one recorded export (<c>workspace.evidence_export_files</c>, docs/evidence-pdf.md "Where the file is
/// kept"): stored in the same transaction as its <see cref="EvidenceExportRecord"/>, so a row without its file, or a file
/// without its row, never exists. Kept apart from the row so the case's export list never reads the bytes.
/// </summary>
public sealed class EvidenceExportFile
{
    /// <summary>The <see cref="EvidenceExportRecord.Id"/> of its row.</summary>
    public Guid ExportRowId { get; set; }

    public required byte[] Pdf { get; set; }
}

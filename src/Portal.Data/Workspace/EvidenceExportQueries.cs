using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Workspace;

/// <summary>An export this portal recorded, as the verify page and the case page show it.</summary>
/// <param name="MatchedPdf">True when the hash looked up is the PDF's, false when it is the embedded bundle's.</param>
public sealed record RecordedEvidenceExport(
    string ExportId, DateTimeOffset ExportedAt, Guid CaseId, string CaseTitle, string? CaseReference, string ExportedByName, string Scope, bool MatchedPdf);

/// <summary>The reads of <c>workspace.evidence_exports</c> (one place, docs/evidence-pdf.md "Recorded").</summary>
public static class EvidenceExportQueries
{
    /// <summary>
    /// The export whose PDF, or whose embedded bundle, has this SHA-256 (lowercase hex), oldest first if the same
    /// bundle was exported twice; null when this portal recorded none.
    /// </summary>
    public static async Task<RecordedEvidenceExport?> FindBySha256Async(WorkspaceDbContext db, string sha256Hex, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sha256Hex);
        return await (
            from e in db.EvidenceExports.AsNoTracking()
            join c in db.Cases on e.CaseId equals c.Id
            where e.PdfSha256 == sha256Hex || e.BundleSha256 == sha256Hex
            orderby e.PdfSha256 == sha256Hex descending, e.ExportedAt
            select new RecordedEvidenceExport(e.ExportId, e.ExportedAt, c.Id, c.Title, c.Reference, e.ExportedByName, e.Scope, e.PdfSha256 == sha256Hex))
            .FirstOrDefaultAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The case's recorded exports, newest first (without their PDFs).</summary>
    public static async Task<IReadOnlyList<EvidenceExportRecord>> OfCaseAsync(WorkspaceDbContext db, Guid caseId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.EvidenceExports.AsNoTracking().Where(e => e.CaseId == caseId).OrderByDescending(e => e.ExportedAt)
            .ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One recorded export by its id (<c>exp-…</c>), without its PDF; null when there is none.</summary>
    public static Task<EvidenceExportRecord?> ByExportIdAsync(WorkspaceDbContext db, string exportId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.EvidenceExports.AsNoTracking().SingleOrDefaultAsync(e => e.ExportId == exportId, ct);
    }

    /// <summary>The stored PDF of the export row <paramref name="rowId"/>; null when it has none.</summary>
    public static async Task<byte[]?> PdfAsync(WorkspaceDbContext db, Guid rowId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.EvidenceExportFiles.AsNoTracking().Where(f => f.ExportRowId == rowId).Select(f => f.Pdf).SingleOrDefaultAsync(ct).ConfigureAwait(false);
    }
}

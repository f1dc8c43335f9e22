using AuditPortal.Data.Workspace;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Evidence;

/// <summary>
/// The workspace row of an export made within a case (<c>workspace.evidence_exports</c>): passed to
/// <see cref="EvidencePdfExporter.ExportStreamAsync"/> as its <c>record</c> step, so it is written after the
/// <c>evidence.export</c> access-log entry and before the outcome entry; if the row cannot be written the export fails
/// (outcome <c>query.failed</c>) and no file is handed out.
/// </summary>
public static class CaseExportRecording
{
    public static Func<EvidencePdfExport, CancellationToken, Task> Into(IDbContextFactory<WorkspaceDbContext> workspace, Guid caseId, EvidenceRequester who)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(who);
        return async (export, ct) =>
        {
            await using var db = await workspace.CreateDbContextAsync(ct).ConfigureAwait(false);
            db.EvidenceExports.Add(Row(export, caseId, who));
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        };
    }

    public static EvidenceExportRecord Row(EvidencePdfExport export, Guid caseId, EvidenceRequester who)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(who);
        return new EvidenceExportRecord
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(export.ExportedAt, TimeSpan.Zero)),
            ExportId = export.ExportId,
            CaseId = caseId,
            ExportedBy = who.SubjectId,
            ExportedByName = who.DisplayName,
            ExportedAt = new DateTimeOffset(export.ExportedAt, TimeSpan.Zero),
            Scope = export.Scope,
            EventCount = export.EventCount,
            CheckpointSize = export.CheckpointSize,
            PdfSha256 = export.PdfSha256,
            BundleSha256 = export.BundleSha256,
            AccessLogSeq = export.AccessLogSeq,
        };
    }
}

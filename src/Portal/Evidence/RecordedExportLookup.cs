using System.Data.Common;
using System.Globalization;
using AuditPortal.Data.Workspace;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.Evidence;

/// <summary>What the verify page says about a file's hash: recorded by this portal (and where), not recorded, or not known.</summary>
public sealed record RecordedExportAnswer(RecordedEvidenceExport? Export, string? Unavailable)
{
    public string Text => Export is { } e
        ? $"This portal recorded this export on {e.ExportedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC in case {e.CaseTitle}"
            + (e.CaseReference is { } r ? $" ({r})" : "") + $": export {e.ExportId}, {e.Scope}, by {e.ExportedByName}"
            + (e.MatchedPdf ? "." : " (this file is the bundle embedded in that PDF).")
        : Unavailable is { } why ? $"Whether this portal recorded this export could not be looked up: {why}"
        : "This portal has no record of exporting this file.";
}

/// <summary>
/// The verify page's hash lookup in <c>workspace.evidence_exports</c> (<see cref="EvidenceExportQueries"/>). A read of the
/// portal's own workspace, not of the ledger: it goes through no gateway and is not access-logged. A workspace that is
/// down gives an answer that says so; the offline verdict stands either way.
/// </summary>
public sealed class RecordedExportLookup(IDbContextFactory<WorkspaceDbContext> workspace)
{
    public async Task<RecordedExportAnswer> FindAsync(string sha256Hex, CancellationToken ct = default)
    {
        try
        {
            await using var db = await workspace.CreateDbContextAsync(ct);
            return new RecordedExportAnswer(await EvidenceExportQueries.FindBySha256Async(db, sha256Hex, ct), null);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            return new RecordedExportAnswer(null, "the portal database is not reachable.");
        }
    }
}

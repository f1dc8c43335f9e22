using System.Text.RegularExpressions;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace AuditPortal.Portal.Evidence;

/// <summary>
/// The download of a finished export's PDF from the case's list (docs/evidence-pdf.md "From the portal"): a plain endpoint,
/// no circuit. Investigators (role table) who are investigator members of the export's case; unknown export → 404,
/// not a member → 403, each with a sentence that says so. The download itself is an access-log entry
/// (<see cref="EvidenceKinds.Download"/>), written before the file is read (access log down → 503, no file).
/// </summary>
public static partial class EvidenceDownloads
{
    public const string Route = "/evidence/exports/{exportId}";

    public static string Path(string exportId) => "/evidence/exports/" + Uri.EscapeDataString(exportId);

    public const string NotFoundMessage = "There is no recorded evidence export with that id (a failed or cancelled export keeps no file).";

    [GeneratedRegex("^exp-[0-9a-f]{32}$")]
    private static partial Regex ExportIdPattern();

    public static IEndpointRouteBuilder MapEvidenceDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, DownloadAsync).RequireAuthorization(PortalPolicies.Investigator);
        return app;
    }

    private static async Task<IResult> DownloadAsync(string exportId, HttpContext context, IDbContextFactory<WorkspaceDbContext> workspace,
        QueryGateway gateway, TimeProvider time)
    {
        context.Response.Headers.CacheControl = "no-store";
        var user = context.User;
        var ct = context.RequestAborted;
        if (!ExportIdPattern().IsMatch(exportId))
            return Results.Problem(title: "Not found", detail: NotFoundMessage, statusCode: StatusCodes.Status404NotFound);
        EvidenceExportRecord? row;
        CaseAccess? access = null;
        try
        {
            await using var db = await workspace.CreateDbContextAsync(ct);
            row = await EvidenceExportQueries.ByExportIdAsync(db, exportId, ct);
            if (row is not null)
                access = await CaseAccess.LoadAsync(db, row.CaseId, user.SubjectId(), time.GetUtcNow(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Results.Problem(title: "Service unavailable", detail: QueryGateway.WorkspaceUnavailableMessage, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (row is null)
            return Results.Problem(title: "Not found", detail: NotFoundMessage, statusCode: StatusCodes.Status404NotFound);
        if (CaseExportAccess.Problem(user, access, toExport: false) is { } problem)
            return Results.Problem(title: "Forbidden", detail: problem, statusCode: StatusCodes.Status403Forbidden);

        var result = await gateway.RecordAsync<byte[]>(EvidenceKinds.Download, user, row.CaseId, new { export_id = exportId }, null, async (_, token) =>
        {
            await using var db = await workspace.CreateDbContextAsync(token);
            var pdf = await EvidenceExportQueries.PdfAsync(db, row.Id, token)
                ?? throw new InvalidOperationException($"the export {exportId} has a row but no file");
            return (pdf, [row.Id]);
        }, ct);
        if (!result.IsOk)
            return Results.Problem(title: result.Title, detail: result.Message, statusCode: result.StatusCode);
        return Results.File(result.Value, "application/pdf", exportId + ".pdf");
    }
}

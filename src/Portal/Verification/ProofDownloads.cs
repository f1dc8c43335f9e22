using System.Globalization;
using System.Text.Json;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using Microsoft.AspNetCore.Mvc;

namespace AuditPortal.Portal.Verification;

/// <summary>The proof documents as files (<c>auditportal evidence verify</c> accepts them unchanged): plain endpoints, not pages (<c>Cache-Control: no-store</c> like every response: SecurityHeadersMiddleware).</summary>
/// <remarks>
/// Parameters are bound as text and checked by <see cref="ProofRequest"/>: a bad value is a 400 naming it, a
/// tree the ledger cannot give or a size without a signed checkpoint (refused by <c>ProofService.RequireSignedCheckpoint</c>
/// before anything is read) a 404 — never a 500 or an unverifiable file.
/// </remarks>
public static class ProofDownloads
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IEndpointRouteBuilder MapProofDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet(PortalUrls.InclusionProofDownload, async ([FromQuery] string? seq, [FromQuery] string? size, HttpContext context, ProofQuery query) =>
            ProofRequest.ParseInclusion(seq, size, out var s, out var n) is { } invalid
                ? invalid.ToHttpResult()
                : await DownloadAsync(() => query.InclusionAsync(context.User, s, n, context.RequestAborted), view => view.Document,
                    string.Create(CultureInfo.InvariantCulture, $"inclusion-{s}-in-{n}.json")))
            .RequireAuthorization(PortalPolicies.Auditor);
        app.MapGet(PortalUrls.ConsistencyProofDownload, async ([FromQuery] string? size1, [FromQuery] string? size2, HttpContext context, ProofQuery query) =>
            ProofRequest.ParseConsistency(size1, size2, out var n1, out var n2) is { } invalid
                ? invalid.ToHttpResult()
                : await DownloadAsync(() => query.ConsistencyAsync(context.User, n1, n2, context.RequestAborted), view => view.Document,
                    string.Create(CultureInfo.InvariantCulture, $"consistency-{n1}-to-{n2}.json")))
            .RequireAuthorization(PortalPolicies.Auditor);
        return app;
    }

    /// <summary>Runs the proof query (through the gateway) and answers with its document as a file, or with why not.</summary>
    private static async Task<IResult> DownloadAsync<TView, TDocument>(Func<Task<GatewayResult<TView>>> run, Func<TView, TDocument> document,
        string fileName)
    {
        try
        {
            var result = await run();
            return result.IsOk
                ? Results.File(JsonSerializer.SerializeToUtf8Bytes(document(result.Value), Indented), "application/json", fileName)
                : Results.Problem(title: result.Title, detail: result.Message, statusCode: result.StatusCode);
        }
        catch (Exception ex) when (ProofRequest.FromLedger(ex) is { } problem)
        {
            return problem.ToHttpResult();
        }
    }
}

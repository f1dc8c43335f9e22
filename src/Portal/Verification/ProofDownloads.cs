using System.Globalization;
using System.Text.Json;
using AuditPortal.Portal.Auth;

namespace AuditPortal.Portal.Verification;

/// <summary>The proof documents as files (<c>auditportal evidence verify</c> accepts them unchanged).</summary>
public static class ProofDownloads
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IEndpointRouteBuilder MapProofDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet(PortalUrls.InclusionProofDownload, async (long seq, long size, HttpContext context, ProofQuery query) =>
        {
            var result = await query.InclusionAsync(context.User, seq, size, context.RequestAborted);
            return result.IsOk
                ? File(result.Value.Document, string.Create(CultureInfo.InvariantCulture, $"inclusion-{seq}-in-{size}.json"))
                : Results.Problem(title: result.Title, detail: result.Message, statusCode: result.StatusCode);
        }).RequireAuthorization(PortalPolicies.Auditor);
        app.MapGet(PortalUrls.ConsistencyProofDownload, async (long size1, long size2, HttpContext context, ProofQuery query) =>
        {
            var result = await query.ConsistencyAsync(context.User, size1, size2, context.RequestAborted);
            return result.IsOk
                ? File(result.Value.Document, string.Create(CultureInfo.InvariantCulture, $"consistency-{size1}-to-{size2}.json"))
                : Results.Problem(title: result.Title, detail: result.Message, statusCode: result.StatusCode);
        }).RequireAuthorization(PortalPolicies.Auditor);
        return app;
    }

    private static IResult File<T>(T document, string name) =>
        Results.File(JsonSerializer.SerializeToUtf8Bytes(document, Indented), "application/json", name);
}

using System.Security.Claims;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Replica;
using AuditPortal.Evidence;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Evidence;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Timeline;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// <c>GET /access-log/export.pdf?…</c> (the browser's filters): the signed review PDF of the period with its chain proof
/// (docs/access-log-review.md, "Review export"). One gateway call (<see cref="QueryKinds.AccessLogExport"/>, parameters
/// with <c>format</c> <c>pdf</c> and the export id): its entry is written first (fail closed: 503 and nothing made), the
/// PDF proves it; the outcome names every proved access-log event. At most <see cref="AccessLogReviewExporter.MaxQueries"/>
/// queries (more: 400), never a partial file.
/// </summary>
public static class AccessLogReviewPdfEndpoint
{
    public static IEndpointRouteBuilder MapAccessLogReviewPdf(this IEndpointRouteBuilder app)
    {
        app.MapGet(PortalUrls.AccessLogExportPdf, ExportAsync).RequireAuthorization(PortalPolicies.Admin);
        return app;
    }

    internal static async Task<IResult> ExportAsync(HttpContext context, ClaimsPrincipal user, QueryGateway gateway, AccessLogReviewPdfSource source,
        TimeProvider time, CancellationToken ct)
    {
        var q = new StrictQuery(context.Request.Query);
        var criteria = AccessLogCriteria.Parse(q);
        if (!q.IsValid)
            return TypedResults.Problem(title: "Bad request", detail: string.Join("; ", q.Problems), statusCode: StatusCodes.Status400BadRequest);
        if (source.Exporter() is not { } exporter)
            return TypedResults.Problem(title: "Not configured", statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: "This portal cannot sign review PDFs: it has no access-log checkpoint key or no signing certificate (docs/access-log-review.md, \"Review export\").");

        var request = new AccessLogReviewRequest(AccessLogReviewRequest.NewExportId(time), criteria.ToFilter(), FilterText(criteria),
            user.DisplayName(), PortalRoles.Admin, time.GetUtcNow().UtcDateTime);
        GatewayResult<AccessLogReviewPdf> result;
        try
        {
            result = await gateway.RunOnAccessLogAsync(QueryKinds.AccessLogExport, user, request.EntryParameters(), async (access, token) =>
            {
                var pdf = await exporter.ExportAsync(request, access.RequestSeq, token);
                return QueryAnswer.Of(pdf, pdf.EventIds);
            }, ct);
        }
        catch (ReviewTooLargeException ex)
        {
            return TypedResults.Problem(title: "Bad request", statusCode: StatusCodes.Status400BadRequest, detail: $"No PDF was made: {ex.Message}.");
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(title: "Review PDF not made", statusCode: StatusCodes.Status503ServiceUnavailable, detail: "No PDF was made: " + ex.Message);
        }
        if (!result.IsOk)
            return TypedResults.Problem(title: result.Title, detail: result.Message, statusCode: result.StatusCode);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(result.Value!.Pdf, "application/pdf", $"access-log-review-{result.AccessLogSeq}.pdf");
    }

    /// <summary>The filters other than the period, as the cover and the bundle name them (the URL's parameter names).</summary>
    private static Dictionary<string, string> FilterText(AccessLogCriteria c)
    {
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, string? value)
        {
            if (value is not null)
                filters[name] = value;
        }
        Add("user", c.User);
        Add("role", c.Role);
        Add("kind", c.Kind);
        Add("case", c.CaseReference);
        Add("outcome", c.Outcome is { } o ? AccessLogCriteria.OutcomeText(o) : null);
        Add("client", c.ClientAddress);
        return filters;
    }
}

/// <summary>
/// What the review PDF needs in the portal: the access log's primary (read there, never from a lagging standby), its
/// writer with its checkpoint key, and the portal's evidence signing certificate (<see cref="EvidenceSigning"/>,
/// <c>Portal:Evidence</c>; docs/evidence-pdf.md), put together once on first use.
/// </summary>
public sealed class AccessLogReviewPdfSource(IConfiguration configuration, PortalDatabases databases, EvidenceSigning signing,
    ILogger<AccessLogReviewPdfSource> logger) : IAsyncDisposable
{
    private readonly Lock gate = new();
    private AccessLogReviewExporter? exporter;
    private ReplicaConnectionFactory? primary;

    /// <summary>The exporter, or null when the portal lacks the access log, its checkpoint key or a signing certificate.</summary>
    public AccessLogReviewExporter? Exporter()
    {
        lock (gate)
        {
            if (exporter is not null)
                return exporter;
            if (databases.AccessLog is not { } data || databases.AccessLogWriter is not { } writer || databases.AccessLogPublicKey is not { } key
                || configuration.GetConnectionString("AccessLog") is not { Length: > 0 } connection)
                return null;
            if (signing.Certificate is not { } certificate)
            {
                logger.LogWarning("Review PDFs cannot be signed: {Problem}", signing.Problem);
                return null;
            }
            primary = new ReplicaConnectionFactory(connection);
            exporter = new AccessLogReviewExporter(data, new AccessLogReader(primary), writer, key, databases.AccessLogEd25519PublicKey, certificate);
            return exporter;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (primary is not null)
            await primary.DisposeAsync();
    }
}

using System.Security.Claims;
using System.Text;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Timeline;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// <c>GET /access-log/export.csv?…</c> (the browser's filters): the review period as CSV, one gateway call
/// (<see cref="QueryKinds.AccessLogExport"/>) whose outcome records every exported entry's id. At most
/// <see cref="MaxRows"/> entries: a larger period is a 400 asking for a narrower one, never a partial file.
/// </summary>
public static class AccessLogExportEndpoint
{
    public const int MaxRows = 100_000;

    public static IEndpointRouteBuilder MapAccessLogExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(PortalUrls.AccessLogExportCsv, ExportAsync).RequireAuthorization(PortalPolicies.Admin);
        return app;
    }

    internal static async Task<IResult> ExportAsync(HttpContext context, ClaimsPrincipal user, QueryGateway gateway, CancellationToken ct)
    {
        var q = new StrictQuery(context.Request.Query);
        var criteria = AccessLogCriteria.Parse(q);
        if (!q.IsValid)
            return TypedResults.Problem(title: "Bad request", detail: string.Join("; ", q.Problems), statusCode: StatusCodes.Status400BadRequest);

        var result = await gateway.RunOnAccessLogAsync(QueryKinds.AccessLogExport, user, criteria.Canonical, async (context, token) =>
        {
            var items = new List<AccessLogItem>();
            long? before = null;
            do
            {
                var page = await context.Reader.SearchAsync(criteria.ToFilter(), AccessLogReader.MaxPageSize, before, token);
                items.AddRange(page.Items);
                before = page.NextBeforeSeq;
            }
            while (before is not null && items.Count <= MaxRows);
            if (items.Count > MaxRows)
                return QueryAnswer.Of<List<AccessLogItem>?>(null, []);
            return QueryAnswer.Of<List<AccessLogItem>?>(items,
                items.SelectMany(i => i.Completion is { } c ? new[] { i.EventId, c.EventId } : [i.EventId]).Select(id => id.ToString("D")).ToList());
        }, ct);
        if (!result.IsOk)
            return TypedResults.Problem(title: result.Title, detail: result.Message, statusCode: result.StatusCode);
        if (result.Value is not { } rows)
            return TypedResults.Problem(title: "Bad request", statusCode: StatusCodes.Status400BadRequest,
                detail: $"More than {MaxRows:N0} entries match: narrow the period or the filters.");

        var csv = new StringBuilder();
        AccessLogCsv.WriteHeader(csv);
        foreach (var item in rows)
            AccessLogCsv.WriteRow(csv, item);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8",
            $"access-log-{result.AccessLogSeq}.csv");
    }
}

using System.Security.Claims;
using AuditPortal.Data.Requests;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Timeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuditPortal.Portal.Ledger;

/// <summary>
/// JSON read endpoints over the gateway. Parameters arrive as strings and are validated here, so
/// any malformed or hostile query string is a 400 with a problem document, never a binder exception.
/// </summary>
public static class LedgerApi
{
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(PortalUrls.StreamEventsPattern, GetStreamEventsAsync).RequireAuthorization(PortalPolicies.Auditor);
        return app;
    }

    /// <summary>
    /// <c>GET /api/streams/{type}/{id}/events?limit=50</c>: the stream's first events, in the caller's active case
    /// (the <c>portal-case</c> cookie) and revealed as far as the caller's live grants in it go (docs/workspace.md).
    /// The old <c>unmask=&lt;justification&gt;</c> parameter is refused (400).
    /// </summary>
    internal static async Task<Results<Ok<StreamEventsView>, ValidationProblem, ProblemHttpResult>> GetStreamEventsAsync(
        string type, string id, string? limit, string? unmask, ClaimsPrincipal user, QueryGateway gateway, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (LedgerName.Problem("type", type) is { } typeProblem)
            errors["type"] = [typeProblem];
        if (LedgerName.Problem("id", id) is { } idProblem)
            errors["id"] = [idProblem];
        var take = 50;
        if (limit is not null && RequestInteger.Check("limit", limit, 1, MaxLimit, out take) is { } limitProblem)
            errors["limit"] = [limitProblem];
        if (unmask is not null)
            errors["unmask"] = [UnmaskParameter.Problem];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var result = await gateway.RunAsync(QueryKinds.StreamRead, user, new { stream_type = type, stream_id = id, limit = take },
            purpose: null, StreamEventsQuery.For(type, id, take), ct);
        return result.IsOk
            ? TypedResults.Ok(result.Value)
            : TypedResults.Problem(title: result.Title, detail: result.Message, statusCode: result.StatusCode);
    }
}

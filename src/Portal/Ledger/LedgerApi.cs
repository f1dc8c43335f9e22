using System.Security.Claims;
using AuditPortal.Data.Requests;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
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
    /// <c>GET /api/streams/{type}/{id}/events?limit=50&amp;unmask=&lt;justification&gt;</c>: the stream's first
    /// events. <c>unmask</c> (investigators, ≥ 10 characters) is logged as the query's purpose and opens personal data.
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
        QueryPurpose? purpose = null;
        if (unmask is not null && !QueryPurpose.TryUnmask(unmask, out purpose, out var problem))
            errors["unmask"] = [problem!];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var result = await gateway.RunAsync(QueryKinds.StreamRead, user, new { stream_type = type, stream_id = id, limit = take },
            purpose, StreamEventsQuery.For(type, id, take), ct);
        return result.IsOk
            ? TypedResults.Ok(result.Value)
            : TypedResults.Problem(title: result.Title, detail: result.Message, statusCode: result.StatusCode);
    }
}

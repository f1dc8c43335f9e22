using System.Globalization;
using System.Security.Claims;
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
    public const int MaxNameLength = 200;

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
        if (!IsName(type))
            errors["type"] = [$"1 to {MaxNameLength} printable characters"];
        if (!IsName(id))
            errors["id"] = [$"1 to {MaxNameLength} printable characters"];
        var take = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
            errors["limit"] = [$"a whole number from 1 to {MaxLimit}"];
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

    private static bool IsName(string? value) =>
        value is { Length: > 0 and <= MaxNameLength } && !value.Any(c => char.IsControl(c) || char.IsSurrogate(c));
}

using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.SignalR;

namespace AuditPortal.Portal.Hosting;

/// <summary>
/// Every state-changing request (POST, PUT, PATCH, DELETE) to a portal endpoint carries a valid antiforgery
/// token, or it is answered 400 before the endpoint runs ("Bad request" page). The framework checks tokens
/// only where an endpoint binds a form; an endpoint without a form (e.g. cancelling a verification run)
/// would otherwise accept a cross-site POST. Checking here covers every endpoint, present and future,
/// in one place. Exempt: the circuit's own SignalR endpoints (<c>/_blazor</c>), which are not forms and
/// are protected by the session cookie and the WebSocket's same-origin connection.
/// </summary>
public sealed class RequireAntiforgeryMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (IsStateChanging(context.Request.Method) && context.GetEndpoint() is { } endpoint && !IsCircuitEndpoint(context, endpoint)
            && !await IsValidAsync(context, antiforgery))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        await next(context);
    }

    private static bool IsStateChanging(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool IsCircuitEndpoint(HttpContext context, Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HubMetadata>() is not null || context.Request.Path.StartsWithSegments("/_blazor");

    private static async Task<bool> IsValidAsync(HttpContext context, IAntiforgery antiforgery)
    {
        // The antiforgery middleware may have checked already (forms, component pages): reuse its verdict.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { } verdict)
            return verdict.IsValid;
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return false; // a malformed or truncated body is not a valid request either
        }
    }
}

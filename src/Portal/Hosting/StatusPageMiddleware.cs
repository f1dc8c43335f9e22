using AuditPortal.Data.Requests;
using Microsoft.AspNetCore.Diagnostics;

namespace AuditPortal.Portal.Hosting;

/// <summary>
/// Prepares requests for the error/status page (<c>/error</c>, <c>/error/{code}</c>) before it renders:
/// <list type="bullet">
/// <item>Re-executions keep the original method. A failed POST (e.g. a bad antiforgery token) would POST
/// to the page, which as a Razor component would demand a form handler and a token and fail again, so
/// re-executions become GETs.</item>
/// <item>A direct request for <c>/error/404</c> is answered with the bare status and re-executed like any
/// other: a component that renders under a 404 it set itself triggers .NET 10's not-found handling,
/// which then renders a second time in the same scope and fails.</item>
/// </list>
/// </summary>
public sealed class StatusPageMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var reExecuted = context.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || context.Features.Get<IExceptionHandlerFeature>() is not null;
        if (reExecuted && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.ContentType = null;
            context.Request.ContentLength = 0;
            context.Request.Body = Stream.Null;
        }
        else if (!reExecuted
            && context.Request.Path.StartsWithSegments(PortalUrls.Error, out var rest)
            && RequestInteger.Check("status", rest.Value?.TrimStart('/'), 400, 599, out int code) is null)
        {
            // Answer with the bare status; the status-code middleware then re-executes this same page.
            context.Response.StatusCode = code;
            return Task.CompletedTask;
        }
        return next(context);
    }
}

using Microsoft.AspNetCore.Diagnostics;

namespace AuditPortal.Portal.Hosting;

/// <summary>
/// Error and status pages are re-executed with the original request's method. A failed POST
/// (e.g. a bad antiforgery token) would then POST to the error page, which as a Razor component
/// would itself demand a form handler and an antiforgery token and fail. Re-executions are made GETs.
/// </summary>
public sealed class ErrorReExecutionMiddleware(RequestDelegate next)
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
        return next(context);
    }
}

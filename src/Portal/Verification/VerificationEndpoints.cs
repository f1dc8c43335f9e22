using System.Globalization;
using System.Security.Claims;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Ledger;
using Microsoft.AspNetCore.Mvc;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// The verification run endpoints for clients outside the browser (the run page starts, follows and cancels
/// runs through its circuit): start (form post), cancel (form post), and the event stream (<see cref="RunEventStream"/>).
/// </summary>
public static class VerificationEndpoints
{
    public static IEndpointRouteBuilder MapVerificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(PortalUrls.VerificationRuns, StartAsync).RequireAuthorization(PortalPolicies.VerificationViewer);
        app.MapPost(PortalUrls.VerificationRunCancelPattern, Cancel).RequireAuthorization(PortalPolicies.VerificationViewer);
        app.MapRunEventStream();
        app.MapProofDownloads();
        return app;
    }

    /// <summary>Form: <c>scope</c> = whole | range | stream, <c>from</c>, <c>to</c>, <c>stream</c> (type/id).</summary>
    /// <remarks>The form always posts every field; empty number inputs arrive as empty strings, so they are parsed here.</remarks>
    private static async Task<IResult> StartAsync(HttpContext context, [FromForm] string? scope, [FromForm] string? from, [FromForm] string? to,
        [FromForm] string? stream, VerificationStartQuery query, CancellationToken ct)
    {
        if (ParseScope(scope, Number(from), Number(to), stream, out var problem) is not { } runScope)
            return Results.Problem(title: "Invalid scope", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        var (gateway, start) = await query.StartAsync(runScope, context.User, ct);
        if (!gateway.IsOk)
            return Results.Problem(title: gateway.Title, detail: gateway.Message, statusCode: gateway.StatusCode);
        return start!.Outcome switch
        {
            StartOutcome.Started or StartOutcome.AlreadyRunning => Results.Redirect(PortalUrls.VerificationRun(start.RunId!.Value)),
            _ => Results.Problem(title: "Verification unavailable",
                detail: "The run registry or the ledger replica is not configured.", statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }

    private static long? Number(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The scope from the start form, or null with the reason.</summary>
    public static RunScope? ParseScope(string? scope, long? from, long? to, string? stream, out string? problem)
    {
        problem = null;
        switch (scope)
        {
            case null or "" or "whole":
                return RunScope.Whole;
            case "range" when from is >= 1 && to is { } t && t >= from:
                return RunScope.ForRange(from.Value, t);
            case "range":
                problem = "A range needs 1 ≤ from ≤ to.";
                return null;
            case "stream" when stream?.Trim() is { Length: > 2 } text && text.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash
                               && slash < text.Length - 1:
                return RunScope.ForStream(new StreamKey(text[..slash], text[(slash + 1)..]));
            case "stream":
                problem = "A stream is written type/id, e.g. account/acc-000001.";
                return null;
            default:
                problem = "The scope is whole, range or stream.";
                return null;
        }
    }

    private static IResult Cancel(Guid id, ClaimsPrincipal user, VerificationCoordinator coordinator) =>
        coordinator.Cancel(id, user) switch
        {
            CancelOutcome.Cancelling or CancelOutcome.AlreadyFinished => Results.Redirect(PortalUrls.VerificationRun(id)),
            CancelOutcome.Forbidden => Results.Problem(title: "No access", detail: "Only the starter of a run or an admin may cancel it.",
                statusCode: StatusCodes.Status403Forbidden),
            _ => Results.NotFound(),
        };
}

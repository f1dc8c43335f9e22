using System.Security.Claims;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
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
    /// <remarks>Parsed by <see cref="RunScope.Parse"/>: a bad number or stream name is a 400 before anything is logged.</remarks>
    private static async Task<IResult> StartAsync(HttpContext context, [FromForm] string? scope, [FromForm] string? from, [FromForm] string? to,
        [FromForm] string? stream, VerificationStartQuery query, CancellationToken ct)
    {
        if (RunScope.Parse(scope, from, to, stream, out var problem) is not { } runScope)
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

    private static IResult Cancel(Guid id, ClaimsPrincipal user, VerificationCoordinator coordinator) =>
        coordinator.Cancel(id, user) switch
        {
            CancelOutcome.Cancelling or CancelOutcome.AlreadyFinished => Results.Redirect(PortalUrls.VerificationRun(id)),
            CancelOutcome.Forbidden => Results.Problem(title: "No access", detail: "Only the starter of a run or an admin may cancel it.",
                statusCode: StatusCodes.Status403Forbidden),
            _ => Results.NotFound(),
        };
}

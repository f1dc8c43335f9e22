using System.Security.Claims;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Timeline;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Diagnostics;

namespace AuditPortal.Portal.Timeline;

/// <summary>
/// What the timeline pages share: strict parameter reading, the caller, and the page's own status
/// (400 with the problems listed, 404 for an unknown stream, the gateway's 403/503), rendered by
/// <see cref="PageProblem"/> in place of the results. Static SSR: the response has not started while
/// the page initializes, so the status goes out with the page.
/// </summary>
public abstract class TimelinePageBase : ComponentBase
{
    [CascadingParameter] public HttpContext? HttpContext { get; set; }
    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }
    [Inject] public required TimelineQueries Queries { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    protected int Status { get; private set; } = StatusCodes.Status200OK;
    protected string? StatusTitle { get; private set; }
    protected IReadOnlyList<string> Problems { get; private set; } = [];
    protected ClaimsPrincipal User { get; private set; } = new();
    protected CancellationToken Aborted => HttpContext?.RequestAborted ?? CancellationToken.None;
    protected bool IsOk => Status == StatusCodes.Status200OK;
    protected bool MayUnmask => Redaction.RedactionPolicy.MayUnmask(User);

    protected StrictQuery ReadQuery() => new(HttpContext?.Request.Query ?? QueryCollection.Empty);

    protected async Task LoadUserAsync() =>
        User = AuthenticationState is null ? new ClaimsPrincipal() : (await AuthenticationState).User;

    /// <summary>A 400 listing every problem (parameter and what is accepted).</summary>
    protected void BadRequest(IReadOnlyList<string> problems) => Fail(StatusCodes.Status400BadRequest, "Bad request", problems);

    protected void NotFound(string what) => Fail(StatusCodes.Status404NotFound, "Not found", [what]);

    /// <summary>The gateway refused or could not answer; a data-layer validation failure inside the query is a 400.</summary>
    protected void GatewayFailed<T>(GatewayResult<T> result) =>
        Fail(result.StatusCode, result.Title, [result.Message ?? result.Title]);

    private void Fail(int status, string title, IReadOnlyList<string> problems)
    {
        Status = status;
        StatusTitle = title;
        Problems = problems;
        if (HttpContext is { Response.HasStarted: false } context)
        {
            if (status == StatusCodes.Status404NotFound)
            {
                // .NET 10 renders no body for a page that set 404 itself; the status page (re-executed in this
                // same request) shows the explanation instead.
                Shared.StatusExplanation.Set(context, problems);
            }
            else
            {
                // The page explains the status itself; the status-code pages must not re-execute /error for it.
                context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            }
            context.Response.StatusCode = status;
        }
    }
}

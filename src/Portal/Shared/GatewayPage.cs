using System.Security.Claims;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Timeline;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace AuditPortal.Portal.Shared;

/// <summary>
/// The base of every page that shows ledger data (docs/ui.md). A page view is a URL: the page loads in
/// <see cref="LoadViewAsync"/> when its URL changes (first render, a link to the same page with other
/// parameters), never on other re-renders. Around it:
/// <list type="bullet">
/// <item><see cref="LoadOnceAsync{T}"/>: the gateway call, made once per view even though an interactive
/// page renders twice for its first request (prerendered, then in its circuit; <see cref="PrerenderedViews"/>).</item>
/// <item>The page's status: 400 with the problems listed, 404, the gateway's 403/503 — shown in the page
/// (<see cref="PageProblem"/>) and, while prerendering, sent as the response's status.</item>
/// <item>The caller, the query string (<see cref="ReadQuery"/>) and a cancellation token that works with
/// or without an <see cref="HttpContext"/>.</item>
/// </list>
/// </summary>
public abstract class GatewayPage : ComponentBase, IDisposable
{
    [CascadingParameter] public HttpContext? HttpContext { get; set; }
    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required PersistentComponentState PersistentState { get; init; }
    [Inject] public required PrerenderedViews Prerendered { get; init; }

    private CancellationTokenSource? currentLoad;
    private readonly List<PersistingComponentStateSubscription> persisting = [];
    private string? loadedUri;
    private int loads;

    protected int Status { get; private set; } = StatusCodes.Status200OK;
    protected string? StatusTitle { get; private set; }
    protected IReadOnlyList<string> Problems { get; private set; } = [];
    protected ClaimsPrincipal User { get; private set; } = new();
    protected bool IsOk => Status == StatusCodes.Status200OK;

    /// <summary>
    /// Ends with the request while prerendering; in a circuit, when the page closes or a newer view of it
    /// starts loading (a second navigation must not be overtaken by the first one's late answer).
    /// </summary>
    protected CancellationToken Aborted => HttpContext?.RequestAborted ?? currentLoad?.Token ?? CancellationToken.None;

    /// <summary>Loads the view for the current URL: parse, validate, one <see cref="LoadOnceAsync{T}"/>, keep what to show.</summary>
    protected abstract Task LoadViewAsync();

    protected sealed override async Task OnParametersSetAsync()
    {
        var uri = Navigation.Uri;
        if (uri == loadedUri)
            return;
        loadedUri = uri;
        loads++;
        var superseded = currentLoad;
        var load = currentLoad = new CancellationTokenSource();
        // The older view's load sees the cancellation through the token it already holds; disposing its
        // source here (not leaving it to the finalizer) keeps a long-lived circuit from collecting them.
        superseded?.Cancel();
        superseded?.Dispose();
        (Status, StatusTitle, Problems) = (StatusCodes.Status200OK, null, []);
        User = AuthenticationState is null ? new ClaimsPrincipal() : (await AuthenticationState).User;
        try
        {
            await LoadViewAsync();
        }
        catch (OperationCanceledException) when (load.IsCancellationRequested)
        {
            // Superseded by a newer view of this page, or the page closed: that one shows, not this.
        }
    }

    /// <summary>
    /// Runs <paramref name="load"/> (one gateway call) for this view — unless this is the circuit's first
    /// render of a page that was just prerendered, which takes the prerender's result instead.
    /// </summary>
    protected async Task<T> LoadOnceAsync<T>(Func<CancellationToken, Task<T>> load) where T : class
    {
        ArgumentNullException.ThrowIfNull(load);
        var key = "view:" + GetType().FullName + ":" + loads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var owner = Owner(User);
        if (RendererInfo.IsInteractive
            && PersistentState.TryTakeFromJson<string>(key, out var token) && token is not null
            && Prerendered.Take<T>(token, owner) is { } prerendered)
        {
            return prerendered;
        }
        var value = await load(Aborted);
        // Prerendering a page whose circuit follows: leave the result for it (only the token goes into the page).
        if (!RendererInfo.IsInteractive && HttpContext?.AcceptsInteractiveRouting() == true
            && Prerendered.Keep(value, owner) is { } kept)
        {
            persisting.Add(PersistentState.RegisterOnPersisting(() =>
            {
                PersistentState.PersistAsJson(key, kept);
                return Task.CompletedTask;
            }, RenderMode.InteractiveServer));
        }
        return value;
    }

    /// <summary>The query string of the current URL (the request's while prerendering, the circuit's URL after).</summary>
    protected StrictQuery ReadQuery()
    {
        if (HttpContext is not null)
            return new StrictQuery(HttpContext.Request.Query);
        var query = new Uri(Navigation.Uri).Query;
        return new StrictQuery(new QueryCollection(QueryHelpers.ParseQuery(query)));
    }

    /// <summary>A 400 listing every problem (parameter and what is accepted).</summary>
    protected void BadRequest(IReadOnlyList<string> problems) => Fail(StatusCodes.Status400BadRequest, "Bad request", problems);

    protected void NotFound(string what) => Fail(StatusCodes.Status404NotFound, "Not found", [what]);

    /// <summary>The gateway refused or could not answer.</summary>
    protected void GatewayFailed<T>(GatewayResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Fail(result.StatusCode, result.Title, [result.Message ?? result.Title]);
    }

    /// <summary>A status of the page's own (e.g. a proof request that names no checkpoint).</summary>
    protected void Fail(int status, string title, IReadOnlyList<string> problems)
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
                StatusExplanation.Set(context, problems);
            }
            else
            {
                // The page explains the status itself; the status-code pages must not re-execute /error for it.
                context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            }
            context.Response.StatusCode = status;
        }
    }

    /// <summary>Whose prerendered value it is: the OIDC subject (or the name, for a principal without one).</summary>
    private static string Owner(ClaimsPrincipal user) =>
        user.FindFirst("sub")?.Value ?? user.Identity?.Name ?? "";

    /// <summary>For a page that holds subscriptions or timers of its own.</summary>
    protected virtual void OnDispose()
    {
    }

    public void Dispose()
    {
        OnDispose();
        foreach (var subscription in persisting)
            subscription.Dispose();
        currentLoad?.Cancel();
        currentLoad?.Dispose();
        GC.SuppressFinalize(this);
    }
}

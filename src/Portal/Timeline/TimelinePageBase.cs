using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Shared;
using AuditPortal.Portal.Workspace;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AuditPortal.Portal.Timeline;

/// <summary>
/// What the timeline pages share beyond <see cref="GatewayPage"/>: their queries, the clock, and revealing personal
/// data by grant (docs/workspace.md). Each load hands its result to <see cref="Track{T}"/>, which keeps what the
/// page's <see cref="RevealBar"/> needs and re-masks the page the moment a grant that revealed on it ends: at its
/// expiry (a <see cref="TimeProvider"/> timer) or when it is revoked anywhere in this process
/// (<see cref="GrantRevocations"/>). Re-masking reloads the view (one gateway call), and if that fails the
/// browser reloads the page, so no revealed value outlives its grant on screen.
/// </summary>
public abstract class TimelinePageBase : GatewayPage
{
    [Inject] public required TimelineQueries Queries { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required ActiveCase ActiveCase { get; init; }
    [Inject] public required GrantService GrantService { get; init; }
    [Inject] public required GrantRevocations Revocations { get; init; }

    private ITimer? expiry;
    private bool subscribed;

    /// <summary>What redaction met on the current view (subjects, fields, erased, revealed).</summary>
    protected RedactionSummary Redaction { get; private set; } = RedactionSummary.Empty;

    /// <summary>The caller's live grants in the active case when the view was loaded.</summary>
    protected IReadOnlyList<UnmaskGrant> LiveGrants { get; private set; } = [];

    /// <summary>The case the view was loaded in.</summary>
    protected InvestigationCase? Case { get; private set; }

    protected bool IsInvestigator => RedactionPolicy.MayUnmask(User);

    protected bool InCase => Case is not null;

    /// <summary>True when the view holds a subject whose values are not erased (so something could be revealed).</summary>
    protected bool HasMasked => Redaction.FieldsBySubject.Keys.Any(s => !Redaction.Erased.ContainsKey(s));

    /// <summary>Now, to the second (links and forms carry whole seconds).</summary>
    protected DateTimeOffset Now()
    {
        var t = Time.GetUtcNow();
        return new DateTimeOffset(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    /// <summary>Reloads the current view (one gateway call). Returns null when done, else what went wrong; the page then keeps the view it had.</summary>
    protected virtual Task<string?> ReloadAsync() => Task.FromResult<string?>("this page shows no personal data");

    /// <summary>The gateway's refusal as one line for a snackbar.</summary>
    protected static string Explain<T>(GatewayResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Message ?? result.Title;
    }

    /// <summary>Keeps what the reveal bar needs from a loaded view, and watches the grants that revealed on it.</summary>
    protected void Track<T>(GatewayResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Redaction = result.Redaction;
        LiveGrants = result.Grants;
        Case = result.Case;
        expiry?.Dispose();
        expiry = null;
        if (!RendererInfo.IsInteractive || LiveGrants.Count == 0)
            return;
        if (!subscribed)
        {
            Revocations.Revoked += OnRevoked;
            subscribed = true;
        }
        var due = LiveGrants.Min(g => g.ExpiresAt) - Time.GetUtcNow();
        expiry = Time.CreateTimer(_ => _ = InvokeAsync(RemaskAsync), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private void OnRevoked(Guid grantId)
    {
        if (LiveGrants.Any(g => g.Id == grantId))
            _ = InvokeAsync(RemaskAsync);
    }

    /// <summary>A grant of this view ended: load the view again (now masked where it no longer reveals).</summary>
    private async Task RemaskAsync()
    {
        string? problem;
        try
        {
            problem = await ReloadAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            problem = ex.Message;
        }
        if (problem is not null)
        {
            // The view could not be reloaded: take it off the screen by loading the page afresh.
            Navigation.Refresh(forceReload: true);
            return;
        }
        StateHasChanged();
    }

    /// <summary>Asks what to reveal and why (<see cref="GrantDialog"/>), records the grant, and reloads the view revealed.</summary>
    protected async Task RevealAsync()
    {
        if (ActiveCase.Id is not { } caseId || Case is null)
            return;
        var subjects = Redaction.FieldsBySubject.Where(kv => !Redaction.Erased.ContainsKey(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var page = Redaction;
        if (await GrantDialog.AskAsync(Dialogs, Case.Title, subjects, GrantService.Options, r => GrantService.Check(r, page)) is not { } request)
            return;
        // The session may have ended while the dialog was open: ask the current authentication state, not the page's.
        var user = AuthenticationState is null ? new System.Security.Claims.ClaimsPrincipal() : (await AuthenticationState).User;
        var result = await GrantService.GrantAsync(user, caseId, request, page, Aborted);
        if (!result.IsOk)
        {
            Snackbar.Add($"Not revealed: {Explain(result)}", Severity.Error);
            return;
        }
        if (await ReloadAsync() is { } problem)
            Snackbar.Add($"The grant is recorded, but the page could not be reloaded: {problem}", Severity.Warning);
    }

    /// <summary>Revokes one of the caller's grants now; this page (and every other one it revealed on) re-masks.</summary>
    protected async Task RevokeAsync(Guid grantId)
    {
        if (ActiveCase.Id is not { } caseId)
            return;
        var user = AuthenticationState is null ? new System.Security.Claims.ClaimsPrincipal() : (await AuthenticationState).User;
        var result = await GrantService.RevokeAsync(user, caseId, grantId, Aborted);
        if (!result.IsOk)
            Snackbar.Add($"Not revoked: {Explain(result)}", Severity.Error);
        await RemaskAsync();
    }

    protected override void OnDispose()
    {
        expiry?.Dispose();
        if (subscribed)
            Revocations.Revoked -= OnRevoked;
    }
}

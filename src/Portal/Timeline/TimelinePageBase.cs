using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AuditPortal.Portal.Timeline;

/// <summary>
/// What the timeline pages share beyond <see cref="GatewayPage"/>: their queries, the clock, and unmasking.
/// An investigator's unmask lives in the circuit: the justification comes from <see cref="UnmaskDialog"/>,
/// is held by the page (never put in a URL) and goes into every gateway call the page makes until it is
/// masked again or left, each call logging it as its purpose.
/// </summary>
public abstract class TimelinePageBase : GatewayPage
{
    [Inject] public required TimelineQueries Queries { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    protected bool MayUnmask => Redaction.RedactionPolicy.MayUnmask(User);

    /// <summary>The investigator's stated purpose while the page is unmasked; null when masked.</summary>
    protected QueryPurpose? Unmask { get; private set; }

    protected bool Unmasked => Unmask is not null;

    /// <summary>Now, to the second (links and forms carry whole seconds).</summary>
    protected DateTimeOffset Now()
    {
        var t = Time.GetUtcNow();
        return new DateTimeOffset(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    /// <summary>
    /// Reloads the current view with <see cref="Unmask"/> (one gateway call). Returns null when done, else
    /// what went wrong; the page then keeps the view it had.
    /// </summary>
    protected virtual Task<string?> ReloadAsync() => Task.FromResult<string?>("this page shows no personal data");

    /// <summary>The gateway's refusal as one line for a snackbar.</summary>
    protected static string Explain<T>(GatewayResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Message ?? result.Title;
    }

    /// <summary>Asks for a justification and reloads unmasked; a refusal (403, 503) is a snackbar, the page stays masked.</summary>
    protected async Task UnmaskAsync()
    {
        if (await UnmaskDialog.AskAsync(Dialogs) is not { } purpose)
            return;
        Unmask = purpose;
        if (await ReloadAsync() is { } problem)
        {
            Unmask = null;
            Snackbar.Add($"Not unmasked: {problem}", Severity.Error);
        }
    }

    /// <summary>Masks again by loading the page afresh (prerender + circuit: one gateway call): nothing unmasked stays in the circuit.</summary>
    protected void Mask() => Navigation.Refresh(forceReload: true);
}

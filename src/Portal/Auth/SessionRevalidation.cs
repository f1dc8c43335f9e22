using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Auth;

/// <summary>
/// The authentication state of a circuit, re-checked every <see cref="SessionSettings.RevalidationInterval"/>
/// against <see cref="SessionStore"/>: when the session ends (signed out in another tab, expired), the
/// circuit's user becomes anonymous at the next check, the router shows "your session has ended" in
/// place of the page, and no gateway query runs for it any more. The framework's
/// <c>RevalidatingServerAuthenticationStateProvider</c> waits on the wall clock; this one waits on the
/// injected <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
public sealed class SessionRevalidation : ServerAuthenticationStateProvider, IDisposable
{
    private readonly SessionStore sessions;
    private readonly TimeProvider time;
    private readonly TimeSpan interval;
    private readonly ILogger<SessionRevalidation> logger;
    private CancellationTokenSource? loop;

    public SessionRevalidation(SessionStore sessions, TimeProvider time, IOptions<SessionSettings> settings, ILogger<SessionRevalidation> logger)
    {
        this.sessions = sessions;
        this.time = time;
        this.logger = logger;
        interval = settings.Value.RevalidationInterval;
        AuthenticationStateChanged += Restart;
    }

    /// <summary>True while <paramref name="user"/> is signed in with a session the store still holds.</summary>
    public bool IsValid(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && SessionStore.SessionId(user) is { } id && sessions.IsActive(id);

    private void Restart(Task<AuthenticationState> state)
    {
        loop?.Cancel();
        loop?.Dispose();
        loop = new CancellationTokenSource();
        _ = RevalidateAsync(state, loop.Token);
    }

    private async Task RevalidateAsync(Task<AuthenticationState> state, CancellationToken ct)
    {
        var user = (await state).User;
        if (user.Identity?.IsAuthenticated != true)
            return;
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, ct);
                if (IsValid(user))
                    continue;
                logger.LogInformation("Session of {User} ended; the circuit signs out", user.Identity.Name);
                SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
                return;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // A new state replaced this one, or the circuit ended.
        }
    }

    public void Dispose()
    {
        AuthenticationStateChanged -= Restart;
        loop?.Cancel();
        loop?.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AuditPortal.Portal.Auth;

/// <summary>
/// The server side of every session (docs/web-auth.md). The cookie carries only a protected session id;
/// the ticket (principal, id_token for the provider's logout, expiry) stays here. Signing out removes
/// the entry, so a copy of the cookie taken before sign-out is worth nothing after it; an expired
/// entry is gone too. Open circuits ask <see cref="IsActive"/> (<see cref="SessionRevalidation"/>).
/// </summary>
/// <remarks>
/// In memory, per instance: several instances behind a load balancer already need sticky sessions for
/// their circuits (DESIGN §3); a restarted instance has forgotten its sessions and its users sign in again
/// (the provider usually still knows them, so that is a redirect, not a password). The key is the
/// portal session id the principal carries (<see cref="SessionIdClaim"/>), so a circuit can name its session.
/// </remarks>
public sealed class SessionStore(TimeProvider time) : ITicketStore
{
    /// <summary>Claim type of the portal's own session id, added at sign-in.</summary>
    public const string SessionIdClaim = "portal_session";

    private readonly ConcurrentDictionary<string, AuthenticationTicket> sessions = new(StringComparer.Ordinal);

    /// <summary>Sessions held (including expired ones not yet swept).</summary>
    public int Count => sessions.Count;

    /// <summary>The session id in <paramref name="user"/>, or null for a principal without one.</summary>
    public static string? SessionId(ClaimsPrincipal user) => user.FindFirst(SessionIdClaim)?.Value;

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        Sweep();
        var key = SessionId(ticket.Principal) ?? throw new InvalidOperationException("a portal session needs its " + SessionIdClaim + " claim");
        sessions[key] = ticket;
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Only a live session is renewed: a request that raced a sign-out must not bring it back.
        if (sessions.TryGetValue(key, out var current))
            sessions.TryUpdate(key, ticket, current);
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        Task.FromResult(sessions.TryGetValue(key, out var ticket) && !IsExpired(ticket) ? ticket : null);

    public Task RemoveAsync(string key)
    {
        sessions.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    /// <summary>True while the session exists and has not expired.</summary>
    public bool IsActive(string sessionId) =>
        sessions.TryGetValue(sessionId, out var ticket) && !IsExpired(ticket);

    /// <summary>
    /// Activity in a circuit (no HTTP request, so the cookie handler's sliding expiry does not see it):
    /// moves the session's expiry to <paramref name="idleTimeout"/> from now, if the session is still active.
    /// </summary>
    public void Touch(string sessionId, TimeSpan idleTimeout)
    {
        if (!sessions.TryGetValue(sessionId, out var ticket) || IsExpired(ticket))
            return;
        var properties = ticket.Properties.Clone();
        properties.ExpiresUtc = time.GetUtcNow() + idleTimeout;
        sessions.TryUpdate(sessionId, new AuthenticationTicket(ticket.Principal, properties, ticket.AuthenticationScheme), ticket);
    }

    private bool IsExpired(AuthenticationTicket ticket) =>
        ticket.Properties.ExpiresUtc is { } expires && expires <= time.GetUtcNow();

    private void Sweep()
    {
        foreach (var (key, ticket) in sessions)
        {
            if (IsExpired(ticket))
                sessions.TryRemove(key, out _);
        }
    }
}

/// <summary>Wires <see cref="SessionStore"/> into the cookie handler (it takes an <see cref="ITicketStore"/> instance).</summary>
internal sealed class UseSessionStore(SessionStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options) => options.SessionStore = store;
}

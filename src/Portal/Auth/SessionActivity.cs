using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Auth;

/// <summary>
/// Work in a circuit is activity too: a user who spends an hour navigating inside the portal sends no
/// HTTP request, so the cookie's sliding expiry would end the session under them. Each inbound circuit
/// event (a click, a navigation) moves the session's expiry, at most once a minute.
/// </summary>
public sealed class SessionActivity(SessionStore sessions, AuthenticationStateProvider authentication, TimeProvider time,
    IOptions<SessionSettings> settings) : CircuitHandler
{
    private static readonly TimeSpan MinimumTouchInterval = TimeSpan.FromMinutes(1);
    private DateTimeOffset lastTouch = DateTimeOffset.MinValue;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var now = time.GetUtcNow();
            if (now - lastTouch >= MinimumTouchInterval)
            {
                lastTouch = now;
                var user = (await authentication.GetAuthenticationStateAsync()).User;
                if (SessionStore.SessionId(user) is { } id)
                    sessions.Touch(id, settings.Value.IdleTimeout);
            }
            await next(context);
        };
}

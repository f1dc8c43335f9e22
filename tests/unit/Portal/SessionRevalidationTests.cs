using System.Security.Claims;
using AuditPortal.Portal.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.Portal;

/// <summary>An open circuit loses its user when the session ends, at the next check of the fake clock.</summary>
public sealed class SessionRevalidationTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly SessionStore sessions;
    private readonly SessionRevalidation circuit;
    private readonly TaskCompletionSource<ClaimsPrincipal> changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SessionRevalidationTests()
    {
        sessions = new SessionStore(time);
        circuit = new SessionRevalidation(sessions, time,
            Options.Create(new SessionSettings { RevalidationInterval = Interval, IdleTimeout = IdleTimeout }), NullLogger<SessionRevalidation>.Instance);
    }

    /// <summary>Signs "ada" in (a session in the store) and opens a circuit with her principal.</summary>
    private async Task<string> OpenCircuitAsync()
    {
        var user = TestUsers.WithRoles("Ada", PortalRoles.Auditor);
        var id = Guid.NewGuid().ToString("N");
        ((ClaimsIdentity)user.Identity!).AddClaim(new Claim(SessionStore.SessionIdClaim, id));
        await sessions.StoreAsync(new AuthenticationTicket(user, new AuthenticationProperties { ExpiresUtc = time.GetUtcNow() + IdleTimeout }, "Cookies"));
        circuit.SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        circuit.AuthenticationStateChanged += async state => changed.TrySetResult((await state).User);
        return id;
    }

    private async Task<bool> SignedInAsync() => (await circuit.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated == true;

    [Fact]
    public async Task SignedOutElsewhere_NextCheckMakesTheCircuitAnonymous()
    {
        var id = await OpenCircuitAsync();

        await sessions.RemoveAsync(id);
        time.Advance(Interval);

        (await changed.Task.WaitAsync(TimeSpan.FromSeconds(10))).Identity!.IsAuthenticated.ShouldBeFalse();
        (await SignedInAsync()).ShouldBeFalse();
    }

    [Fact]
    public async Task SessionExpires_TheCheckAfterExpiryMakesTheCircuitAnonymous()
    {
        await OpenCircuitAsync();

        time.Advance(IdleTimeout - Interval);
        (await SignedInAsync()).ShouldBeTrue("the session is still valid one interval before it expires");
        changed.Task.IsCompleted.ShouldBeFalse();

        time.Advance(Interval);

        (await changed.Task.WaitAsync(TimeSpan.FromSeconds(10))).Identity!.IsAuthenticated.ShouldBeFalse();
    }

    [Fact]
    public async Task SessionAlive_ChecksKeepTheUser()
    {
        var id = await OpenCircuitAsync();

        for (var i = 0; i < 10; i++)
        {
            time.Advance(Interval);
            sessions.Touch(id, IdleTimeout); // circuit activity keeps the session alive
        }

        (await SignedInAsync()).ShouldBeTrue();
        changed.Task.IsCompleted.ShouldBeFalse();
        sessions.IsActive(id).ShouldBeTrue();
    }

    [Fact]
    public void PrincipalWithoutSession_IsNotValid()
    {
        circuit.IsValid(TestUsers.WithRoles("Ada", PortalRoles.Auditor)).ShouldBeFalse();
        circuit.IsValid(TestUsers.Anonymous).ShouldBeFalse();
    }

    public void Dispose() => circuit.Dispose();
}

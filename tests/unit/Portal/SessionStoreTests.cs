using System.Security.Claims;
using AuditPortal.Portal.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.Portal;

public class SessionStoreTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private AuthenticationTicket Ticket(string sessionId, TimeSpan lifetime)
    {
        var user = TestUsers.WithRoles("Ada", PortalRoles.Auditor);
        ((ClaimsIdentity)user.Identity!).AddClaim(new Claim(SessionStore.SessionIdClaim, sessionId));
        return new AuthenticationTicket(user, new AuthenticationProperties { ExpiresUtc = time.GetUtcNow() + lifetime }, "Cookies");
    }

    [Fact]
    public async Task Store_KeyIsThePrincipalsSessionId_RetrieveGivesTheTicket()
    {
        var store = new SessionStore(time);

        var key = await store.StoreAsync(Ticket("s1", TimeSpan.FromMinutes(30)));

        key.ShouldBe("s1");
        (await store.RetrieveAsync("s1")).ShouldNotBeNull().Principal.Identity!.Name.ShouldBe("Ada");
    }

    [Fact]
    public async Task Remove_RetrieveAndIsActiveAfterwards_Nothing()
    {
        var store = new SessionStore(time);
        await store.StoreAsync(Ticket("s1", TimeSpan.FromMinutes(30)));

        await store.RemoveAsync("s1");

        (await store.RetrieveAsync("s1")).ShouldBeNull();
        store.IsActive("s1").ShouldBeFalse();
    }

    [Fact]
    public async Task Renew_AfterRemove_DoesNotBringTheSessionBack()
    {
        var store = new SessionStore(time);
        var ticket = Ticket("s1", TimeSpan.FromMinutes(30));
        await store.StoreAsync(ticket);
        await store.RemoveAsync("s1");

        await store.RenewAsync("s1", ticket);

        store.IsActive("s1").ShouldBeFalse();
    }

    [Fact]
    public async Task Expiry_ReachedOnTheClock_SessionInactive()
    {
        var store = new SessionStore(time);
        await store.StoreAsync(Ticket("s1", TimeSpan.FromMinutes(30)));

        time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(1));
        store.IsActive("s1").ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(1));

        store.IsActive("s1").ShouldBeFalse();
        (await store.RetrieveAsync("s1")).ShouldBeNull();
    }

    [Fact]
    public async Task Touch_ActiveSession_MovesExpiry_ExpiredSession_StaysExpired()
    {
        var store = new SessionStore(time);
        await store.StoreAsync(Ticket("live", TimeSpan.FromMinutes(30)));
        await store.StoreAsync(Ticket("dead", TimeSpan.FromMinutes(1)));

        time.Advance(TimeSpan.FromMinutes(20));
        store.Touch("live", TimeSpan.FromMinutes(30));
        store.Touch("dead", TimeSpan.FromMinutes(30));
        time.Advance(TimeSpan.FromMinutes(20));

        store.IsActive("live").ShouldBeTrue("touched at 20 min, it lives until 50 min");
        store.IsActive("dead").ShouldBeFalse();
    }

    [Fact]
    public async Task Store_SweepsExpiredSessions()
    {
        var store = new SessionStore(time);
        await store.StoreAsync(Ticket("old", TimeSpan.FromMinutes(1)));
        time.Advance(TimeSpan.FromMinutes(2));

        await store.StoreAsync(Ticket("new", TimeSpan.FromMinutes(30)));

        store.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Store_PrincipalWithoutSessionId_Refused()
    {
        var store = new SessionStore(time);
        var ticket = new AuthenticationTicket(TestUsers.WithRoles("Ada"), "Cookies");

        await Should.ThrowAsync<InvalidOperationException>(() => store.StoreAsync(ticket));
    }
}

using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.E2e.Portal;

[Collection(nameof(DevOidcProviderCollection))]
public sealed class SessionExpiryTests(DevOidcProvider provider)
{
    [Fact]
    public async Task Session_IdleLongerThanTimeout_RedirectsToLoginAgain()
    {
        // Anchored at the real time because the provider stamps its id_tokens with it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = provider.Portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        using var browser = new Browser(portal.CreateClient(new()
        {
            AllowAutoRedirect = false,
            BaseAddress = PortalFactory.BaseAddress,
            HandleCookies = true,
        }));
        (await browser.SignInAsync("auditor1", "auditor1-dev")).StatusCode.ShouldBe(HttpStatusCode.OK);

        clock.Advance(TimeSpan.FromMinutes(20)); // within the 30-minute idle timeout: still signed in (and slides)
        using (var stillIn = await browser.SendAsync(HttpMethod.Get, new Uri(PortalFactory.BaseAddress, "/")))
        {
            stillIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        clock.Advance(TimeSpan.FromMinutes(31));
        using var expired = await browser.SendAsync(HttpMethod.Get, new Uri(PortalFactory.BaseAddress, "/timeline"));

        expired.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        expired.Headers.Location!.PathAndQuery.ShouldBe("/login?returnUrl=%2Ftimeline");
    }
}

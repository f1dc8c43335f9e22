using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuditPortal.Tests.E2e.Portal;

public sealed class FailurePageTests(PortalWithoutProviderFixture fixture) : IClassFixture<PortalWithoutProviderFixture>
{
    /// <summary>Fails evaluating one policy, to make a real unhandled exception inside the pipeline.</summary>
    private sealed class ThrowingPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
    {
        public override Task<AuthorizationPolicy?> GetPolicyAsync(string policyName) =>
            policyName == "Auditor" ? throw new InvalidOperationException("boom: secret internals") : base.GetPolicyAsync(policyName);
    }

    [Fact]
    public async Task UnhandledException_ShowsPlain500PageWithoutInternals()
    {
        using var factory = fixture.Factory.WithWebHostBuilder(b =>
            b.ConfigureTestServices(s => s.AddSingleton<IAuthorizationPolicyProvider, ThrowingPolicyProvider>()));
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = PortalFactory.BaseAddress });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/timeline");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("Something went wrong");
        body.ShouldNotContain("boom");
        body.ShouldNotContain("InvalidOperationException");
        body.ShouldNotContain("AuditPortal.Portal.");
    }
}

using AuditPortal.Portal.Hosting;

namespace AuditPortal.Tests.Portal;

public class SecurityHeadersTests
{
    [Fact]
    public void ContentSecurityPolicy_AllowsOnlySelfAndProviderOriginForForms()
    {
        var csp = SecurityHeadersMiddleware.BuildContentSecurityPolicy("https://login.example.org/realms/audit");

        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("script-src 'self';");
        csp.ShouldContain("style-src 'self';");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("base-uri 'none'");
        csp.ShouldEndWith("form-action 'self' https://login.example.org");
        csp.ShouldNotContain("unsafe");
    }
}

using AuditPortal.Portal.Hosting;

namespace AuditPortal.Tests.Portal;

public class SecurityHeadersTests
{
    [Fact]
    public void ContentSecurityPolicy_ScriptAndConnectionsSelfOnly_InlineStyleTheOneException()
    {
        var csp = SecurityHeadersMiddleware.BuildContentSecurityPolicy("https://login.example.org/realms/audit");

        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("script-src 'self';");
        csp.ShouldContain("connect-src 'self';");
        csp.ShouldContain("style-src 'self' 'unsafe-inline';");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("base-uri 'self'");
        csp.ShouldEndWith("form-action 'self' https://login.example.org");
        csp.Replace("style-src 'self' 'unsafe-inline';", "", StringComparison.Ordinal).ShouldNotContain("unsafe");
    }
}

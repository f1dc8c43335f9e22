using AuditPortal.Portal.Verification;
using AuditPortal.Verification.Verifying;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuditPortal.Tests.Portal.Verification;

/// <summary><c>Portal:Verification:ThreadNice</c>: runs at the lowest priority unless configured, and a value the OS cannot take is refused at start.</summary>
public class VerificationOptionsTests
{
    private static VerificationOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("Portal:Verification:" + s.Key, (string?)s.Value)))
            .Build();
        using var services = new ServiceCollection().AddPortalVerification(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<VerificationOptions>>().Value;
    }

    [Fact]
    public void ThreadNice_NotConfigured_LowestPriority() => Bind().ThreadNice.ShouldBe(ThreadCpuPriority.Lowest);

    [Fact]
    public void ThreadNice_Configured_Bound() => Bind(("ThreadNice", "0")).ThreadNice.ShouldBe(0);

    [Theory]
    [InlineData("-1")]
    [InlineData("20")]
    public void ThreadNice_OutOfRange_RefusedNamingTheSetting(string value) =>
        Should.Throw<OptionsValidationException>(() => Bind(("ThreadNice", value))).Message.ShouldContain("Portal:Verification:ThreadNice");
}

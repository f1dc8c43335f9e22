using AuditPortal.Portal.Auth;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuditPortal.Tests.Portal;

public sealed class SignInRateLimitTests
{
    private static RateLimiterOptions OptionsWith(string? startsPerMinute)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(startsPerMinute is null ? [] : [new(SignInRateLimit.Setting, startsPerMinute)])
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddSignInRateLimit();
        return services.BuildServiceProvider().GetRequiredService<IOptions<RateLimiterOptions>>().Value;
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void ACapBelowOne_StopsStartUpWithTheSettingsName(string value)
    {
        Should.Throw<InvalidOperationException>(() => OptionsWith(value)).Message.ShouldContain(SignInRateLimit.Setting);
    }
}

using AuditPortal.Verification.Verifying;

namespace AuditPortal.Portal.Verification;

public static class VerificationServiceExtensions
{
    /// <summary>Live verification: the run coordinator, its backend, the start and proof queries, the continuous verifier.</summary>
    public static IServiceCollection AddPortalVerification(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VerificationOptions>().Bind(configuration.GetSection("Portal:Verification"))
            .Validate(o => o.ThreadNice is >= 0 and <= ThreadCpuPriority.Lowest, "Portal:Verification:ThreadNice must be 0 to 19")
            .ValidateOnStart();
        services.AddSingleton<VerificationStatusCache>();
        services.AddSingleton<PortalVerificationBackend>();
        services.AddSingleton<IVerificationBackend>(sp => sp.GetRequiredService<PortalVerificationBackend>());
        services.AddSingleton<VerificationCoordinator>();
        services.AddSingleton<RunFeed>();
        services.AddScoped<VerificationStartQuery>();
        services.AddScoped<ProofQuery>();
        services.AddScoped<CheckpointsQuery>();
        services.AddSingleton<ContinuousVerifier>();
        services.AddHostedService(sp => sp.GetRequiredService<ContinuousVerifier>());
        return services;
    }
}

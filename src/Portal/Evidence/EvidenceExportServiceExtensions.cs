namespace AuditPortal.Portal.Evidence;

public static class EvidenceExportServiceExtensions
{
    /// <summary>
    /// Evidence exports from a case (docs/evidence-pdf.md "From the portal"): <c>Portal:Evidence</c>, the engine, the one
    /// job registry of the process, the preview query and the case's export service.
    /// </summary>
    public static IServiceCollection AddPortalEvidenceExport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EvidenceExportOptions>().Bind(configuration.GetSection(EvidenceExportOptions.Section))
            .Validate(o => o.MaxConcurrentExports is >= 1 and <= 16, "Portal:Evidence:MaxConcurrentExports: want 1 to 16")
            .ValidateOnStart();
        services.AddSingleton<EvidenceSigning>();
        services.AddSingleton<EvidenceExportEngine>();
        services.AddSingleton<EvidenceExportJobs>();
        services.AddScoped<ExportPreviewQuery>();
        services.AddScoped<CaseExportService>();
        return services;
    }
}

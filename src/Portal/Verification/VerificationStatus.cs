using AuditPortal.Data.VerificationRuns;

namespace AuditPortal.Portal.Verification;

/// <summary>What the dashboard shows about verification: the verified head, the last full pass and the open findings.</summary>
/// <param name="OpenFindings">Findings of the last full pass plus those found since it (by incremental passes and other runs).</param>
public sealed record VerificationStatus(VerifiedHead? Head, VerificationRun? LastFullPass, long OpenFindings, string? Problem)
{
    /// <summary>Reads the registry (the portal database, not the ledger: no gateway query).</summary>
    public static async Task<VerificationStatus> LoadAsync(IVerificationBackend backend, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (backend.Store is not { } store)
            return new VerificationStatus(null, null, 0, "the run registry is not configured");
        try
        {
            var head = await store.LatestVerifiedHeadAsync(ct);
            var full = await store.LastFullPassAsync(ct);
            var open = (full?.Outcome?.TotalFindings ?? 0)
                + (full?.Outcome is { } o ? await store.FindingsSinceAsync(o.At, ct) : await store.FindingsSinceAsync(DateTimeOffset.MinValue, ct));
            return new VerificationStatus(head, full, open, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Verification status: registry not readable");
            return new VerificationStatus(null, null, 0, "the run registry cannot be read right now");
        }
    }
}

using AuditPortal.Data.VerificationRuns;

namespace AuditPortal.Portal.Verification;

/// <summary>What the dashboard shows about verification: the verified head, the last full pass and the open findings.</summary>
/// <param name="OpenFindings">Findings of the last full pass plus those found since it (by incremental passes and other runs), each distinct finding once.</param>
/// <param name="Listed">The first <see cref="ListedFindings"/> of the open findings by seq: what and where, not only how many.</param>
/// <param name="Passes">The latest verified heads (one per verification pass that advanced it), oldest first: the dashboard's chart.</param>
/// <param name="LatestAccessLogRun">The access log's latest verification run, if any (the dashboard's access-log card).</param>
public sealed record VerificationStatus(VerifiedHead? Head, VerificationRun? LastFullPass, long OpenFindings, IReadOnlyList<RecordedFinding> Listed,
    string? Problem, IReadOnlyList<VerifiedHead> Passes, VerificationRun? LatestAccessLogRun = null)
{
    public const int ListedFindings = 5;

    /// <summary>Verification passes shown on the dashboard's chart.</summary>
    public const int ChartedPasses = 200;

    /// <summary>Reads the registry (the portal database, not the ledger: no gateway query).</summary>
    public static async Task<VerificationStatus> LoadAsync(IVerificationBackend backend, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (backend.Store is not { } store)
            return new VerificationStatus(null, null, 0, [], "the run registry is not configured", []);
        try
        {
            var head = await store.LatestVerifiedHeadAsync(ct);
            var full = await store.LastFullPassAsync(ct);
            var since = full?.Outcome?.At ?? DateTimeOffset.MinValue;
            // Distinct findings (a pass in progress re-finds what the last one found), plus any the last full pass
            // counted beyond its stored cap (MaxFindings).
            var unstored = full?.Outcome is { } o ? Math.Max(0, o.TotalFindings - full.FindingsRecorded) : 0;
            var open = unstored + await store.OpenFindingCountAsync(full?.Id, since, ct);
            IReadOnlyList<RecordedFinding> listed = open == 0 ? [] : await store.OpenFindingsAsync(full?.Id, since, ListedFindings, ct);
            var passes = await store.VerifiedHeadsAsync(ChartedPasses, ct);
            var accessLog = await store.LatestOfKindAsync(RunScopeKind.AccessLog, ct);
            return new VerificationStatus(head, full, open, listed, null, passes, accessLog);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Verification status: registry not readable");
            return new VerificationStatus(null, null, 0, [], "the run registry cannot be read right now", []);
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// The dashboard's verification status, read from the run registry at most once per
/// <see cref="VerificationOptions.StatusCacheTtl"/> for all users together: it is the same for everyone, and at 20
/// concurrent users its four registry queries were a large share of a dashboard request (docs/performance.md §4).
/// </summary>
/// <remarks>Concurrent requests after expiry share one read. <see cref="VerificationStatus.LoadAsync"/> never throws;
/// a registry that cannot be read yields a status with a problem, which is kept no longer than a good one.</remarks>
public sealed class VerificationStatusCache(IVerificationBackend backend, IOptions<VerificationOptions> options,
    ILogger<VerificationStatusCache> logger)
{
    private readonly Lock gate = new();
    private long loadedAt;
    private Task<VerificationStatus>? current;

    public Task<VerificationStatus> GetAsync()
    {
        var ttl = options.Value.StatusCacheTtl;
        if (ttl <= TimeSpan.Zero)
            return VerificationStatus.LoadAsync(backend, logger, CancellationToken.None);
        lock (gate)
        {
            // Wall-clock age (not the injected TimeProvider, which tests may hold still).
            var now = Stopwatch.GetTimestamp();
            if (current is null || Stopwatch.GetElapsedTime(loadedAt, now) >= ttl)
            {
                // Not the request's token: the read is shared, and one caller going away must not fail the others.
                current = VerificationStatus.LoadAsync(backend, logger, CancellationToken.None);
                loadedAt = now;
            }
            return current;
        }
    }
}

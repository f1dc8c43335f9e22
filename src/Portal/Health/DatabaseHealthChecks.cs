using AuditPortal.Portal.Gateway;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using AuditPortal.Data.Replica;
using Npgsql;

namespace AuditPortal.Portal.Health;

/// <summary>The primary's portal database (the access-log chain): can it be reached right now? Without it no query runs.</summary>
public sealed class PrimaryHealthCheck(PortalDatabases databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (databases.AccessLog is not { } source)
            return HealthCheckResult.Unhealthy("ConnectionStrings:AccessLog is not set");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = await source.OpenConnectionAsync(timeout.Token);
            var inRecovery = (await ReplicaLag.ReadAsync(connection, timeout.Token)).InRecovery;
            var data = new Dictionary<string, object> { ["inRecovery"] = inRecovery };
            return inRecovery
                ? HealthCheckResult.Unhealthy("the access-log database is a standby: it cannot be written", data: data)
                : HealthCheckResult.Healthy("access-log database reachable", data);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy("access-log database unreachable");
        }
    }
}

/// <summary>
/// The standby the ledger is read from: reachable, in recovery, and how far behind. Unhealthy when it
/// cannot be reached; degraded when more than <c>Portal:Health:MaxReplicaLagBytes</c> of received WAL
/// wait to be replayed.
/// </summary>
public sealed class ReplicaHealthCheck(PortalDatabases databases, IConfiguration configuration) : IHealthCheck
{
    public const long DefaultMaxLagBytes = 16 * 1024 * 1024;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (databases.Replica is not { } replica)
            return HealthCheckResult.Unhealthy("ConnectionStrings:Replica is not set");
        var maxLag = configuration.GetValue("Portal:Health:MaxReplicaLagBytes", DefaultMaxLagBytes);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = await replica.OpenAsync(timeout.Token);
            var (inRecovery, behind, sinceLastReplay) = await ReplicaLag.ReadAsync(connection, timeout.Token);
            double? sinceReplay = sinceLastReplay is { } age ? Math.Round(age.TotalSeconds, 3) : null;
            var data = new Dictionary<string, object>
            {
                ["inRecovery"] = inRecovery,
                ["replayBytesBehind"] = (object?)behind ?? "unknown",
                ["secondsSinceLastReplay"] = (object?)sinceReplay ?? "unknown",
                ["current"] = behind is 0,
            };
            if (!inRecovery)
                return HealthCheckResult.Degraded("the replica connection reaches a primary, not a standby", data: data);
            if (behind > maxLag)
                return HealthCheckResult.Degraded($"replica is {behind} bytes behind (more than {maxLag})", data: data);
            return HealthCheckResult.Healthy(behind is 0 ? "replica is current" : $"replica is {behind} bytes behind", data);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy("replica unreachable");
        }
    }
}

using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Gateway;
using Npgsql;

namespace AuditPortal.Portal.Workspace;

/// <summary>
/// Carries revocations between portal instances: <see cref="GrantService.RevokeAsync"/> sends
/// <c>NOTIFY workspace_grant_revoked</c> in the transaction that revokes (delivered only if it commits), and every
/// instance LISTENs on the portal database and publishes what arrives to its own <see cref="GrantRevocations"/>.
/// </summary>
/// <remarks>
/// A notification sent while an instance is not listening (its connection dropped, the database restarting) is
/// lost to it: its open pages then re-mask at the grant's expiry or their next query, as before (every query checks
/// the grant). The listener reconnects after <see cref="RetryDelay"/>.
/// </remarks>
public sealed class GrantRevocationListener(PortalDatabases databases, GrantRevocations revocations, TimeProvider time,
    ILogger<GrantRevocationListener> log) : BackgroundService
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource firstListen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when LISTEN first took effect (tests wait on it before revoking on another instance).</summary>
    public Task Listening => firstListen.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (databases.AccessLog is not { } portalDb)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await portalDb.OpenConnectionAsync(stoppingToken);
                connection.Notification += OnNotification;
                await GrantRevocationChannel.ListenAsync(connection, stoppingToken);
                firstListen.TrySetResult();
                while (true)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.IO.IOException)
            {
                log.LogWarning("Listening for grant revocations of other portal instances failed ({Reason}); retrying in {Delay}.", ex.Message, RetryDelay);
            }
            try
            {
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (Guid.TryParseExact(e.Payload, "D", out var grantId))
            revocations.Publish(grantId);
    }
}

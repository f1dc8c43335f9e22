using AuditPortal.Data;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.AccessLog.Anomalies;
using AuditPortal.Data.Replica;
using AuditPortal.Verification.Checkpoints;
using Npgsql;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// The portal's database connections and the access-log writer and reader, built once from
/// <c>ConnectionStrings</c> and <c>Portal:AccessLog</c>. A missing connection string leaves its member
/// null: the app still starts (sign-in and status pages work), and what needs the database answers 503
/// and reports it in <c>/healthz</c>.
/// </summary>
public sealed class PortalDatabases : IAsyncDisposable
{
    public PortalDatabases(IConfiguration configuration, IHostEnvironment environment, TimeProvider time)
    {
        string? PathOf(string key) => configuration[key] is { Length: > 0 } p
            ? (Path.IsPathRooted(p) ? p : Path.Combine(environment.ContentRootPath, p))
            : null;

        if (configuration.GetConnectionString("Replica") is { Length: > 0 } replica)
            Replica = new ReplicaConnectionFactory(replica);
        if (configuration.GetConnectionString("AccessLog") is { Length: > 0 } accessLog)
        {
            AccessLog = NpgsqlDataSource.Create(AutoPrepare.Apply(accessLog));
            AccessLogWriter = new AccessLogWriter(AccessLog, time, new AccessLogWriterOptions
            {
                Deployment = configuration["Portal:AccessLog:Deployment"] is { Length: > 0 } d ? d : "demo",
                AppendTimeout = configuration.GetValue("Portal:AccessLog:AppendTimeout", TimeSpan.FromSeconds(5)),
                // The access log's own key and witness, not the ledger's (docs/access-log.md); without a key, no checkpoints.
                Signer = PathOf("Portal:AccessLog:CheckpointPrivateKeyPath") is { } key
                    ? signer = CheckpointSigner.FromPem(File.ReadAllText(key),
                        PathOf("Portal:AccessLog:CheckpointEd25519PrivateKeyPath") is { } ed25519 ? File.ReadAllText(ed25519) : null)
                    : null,
                Witness = PathOf("Portal:AccessLog:WitnessDirectory") is { } witness ? new WitnessDirectory(witness) : null,
            });
            // The reader prefers the portal database's standby; without one it reads the primary (read-only transactions).
            accessLogReplica = new ReplicaConnectionFactory(
                configuration.GetConnectionString("AccessLogReplica") is { Length: > 0 } r ? r : accessLog);
            AccessLogReader = new AccessLogReader(accessLogReplica);
            AnomalyFlags = new AnomalyFlagStore(AccessLog, accessLogReplica);
        }
    }

    private readonly ReplicaConnectionFactory? accessLogReplica;
    private readonly CheckpointSigner? signer;

    /// <summary>The ledger's standby, as the SELECT-only reader role; every transaction read-only.</summary>
    public ReplicaConnectionFactory? Replica { get; }

    /// <summary>The portal database on the primary, as the access-log writer (INSERT + SELECT only).</summary>
    public NpgsqlDataSource? AccessLog { get; }

    /// <summary>Group-commit appender of access-log entries; throws <see cref="AccessLogUnavailableException"/> when an append is not confirmed.</summary>
    public AccessLogWriter? AccessLogWriter { get; }

    /// <summary>The access log's standby (or its primary, read-only), for the verifier's COPY of the whole chain.</summary>
    public ReplicaConnectionFactory? AccessLogReplica => accessLogReplica;

    /// <summary>The public halves of the access log's signing keys: what its checkpoints are verified with.</summary>
    public CheckpointPublicKey? AccessLogPublicKey => signer?.PublicKey;

    public byte[]? AccessLogEd25519PublicKey => signer?.Ed25519?.PublicKey;

    /// <summary>Reads access-log entries (recent queries of a user, admin listing, head).</summary>
    public AccessLogReader? AccessLogReader { get; }

    /// <summary>The anomaly flags and the monitor's watermark in the portal database.</summary>
    public AnomalyFlagStore? AnomalyFlags { get; }

    public async ValueTask DisposeAsync()
    {
        if (AccessLogWriter is not null)
            await AccessLogWriter.DisposeAsync(); // flushes queued entries before the data source goes
        if (AccessLog is not null)
            await AccessLog.DisposeAsync();
        if (accessLogReplica is not null)
            await accessLogReplica.DisposeAsync();
        signer?.Dispose();
        if (Replica is not null)
            await Replica.DisposeAsync();
    }
}

using AuditPortal.Data.Reading;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Verifying;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// The portal's verification backend: the registry in the portal database (the access-log data
/// source, as the portal's role), runners over the ledger standby (the SELECT-only reader role,
/// read-only transactions), the checkpoint key and the witness directory
/// (<c>Portal:Ledger:WitnessDirectory</c>).
/// </summary>
public sealed class PortalVerificationBackend : IVerificationBackend
{
    private readonly PortalDatabases databases;
    private readonly CheckpointKeySource keys;
    private readonly TimeProvider time;

    public PortalVerificationBackend(PortalDatabases databases, CheckpointKeySource keys, IConfiguration configuration,
        IHostEnvironment environment, IOptions<VerificationOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        this.databases = databases;
        this.keys = keys;
        this.time = time;
        if (databases.AccessLog is { } portalDb)
            Store = new VerificationRunStore(portalDb, time, options.Value.StaleAfter);
        if (configuration["Portal:AccessLog:WitnessDirectory"] is { Length: > 0 } a)
            accessLogWitness = new WitnessDirectory(Path.IsPathRooted(a) ? a : Path.Combine(environment.ContentRootPath, a));
        if (configuration["Portal:Ledger:WitnessDirectory"] is { Length: > 0 } w)
            Witness = new WitnessDirectory(Path.IsPathRooted(w) ? w : Path.Combine(environment.ContentRootPath, w));
    }

    public VerificationRunStore? Store { get; }

    /// <summary>The witness directory, when configured (it may not exist yet: then it has no entries).</summary>
    public WitnessDirectory? Witness { get; }

    public CheckpointPublicKey? PublicKey => keys.Key;

    /// <summary>
    /// A runner over the ledger's standby, or, for <see cref="RunScopeKind.AccessLog"/>, over the access log's standby
    /// with the access log's own key (from its signing key) and witness (<c>Portal:AccessLog:WitnessDirectory</c>).
    /// </summary>
    public LedgerVerificationRunner? CreateRunner(RunScope scope, Action<Finding> onFinding)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.Kind == RunScopeKind.AccessLog)
        {
            return databases.AccessLogReplica is { } accessLog
                ? new LedgerVerificationRunner(accessLog.DataSource, databases.AccessLogPublicKey, ExistingAccessLogWitness, time)
                {
                    OnFinding = onFinding,
                    Ed25519PublicKey = databases.AccessLogEd25519PublicKey,
                }
                : null;
        }
        return databases.Replica is { } replica
            ? new LedgerVerificationRunner(replica.DataSource, keys.Key, ExistingWitness, time) { OnFinding = onFinding }
            : null;
    }

    /// <summary>The access log's witness (<c>Portal:AccessLog:WitnessDirectory</c>), when configured and present.</summary>
    public WitnessDirectory? ExistingAccessLogWitness => accessLogWitness is { } w && Directory.Exists(w.Path) ? w : null;

    private readonly WitnessDirectory? accessLogWitness;

    /// <summary>A configured witness whose directory does not exist (yet) has no entries rather than being an error.</summary>
    public WitnessDirectory? ExistingWitness => Witness is { } w && Directory.Exists(w.Path) ? w : null;
}

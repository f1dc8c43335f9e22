using AuditPortal.Data.Proofs;
using AuditPortal.Evidence;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.Evidence;

/// <summary>
/// The portal's <see cref="EvidencePdfExporter"/> (the same engine as <c>auditportal evidence export --pdf</c>), built from the
/// portal's connections: the standby for the ledger (reader role), the access-log writer, the ledger's checkpoint key and
/// the portal's <see cref="EvidenceSigning"/> certificate. What is missing is said, not thrown, so the dialog can explain it.
/// </summary>
public sealed class EvidenceExportEngine(PortalDatabases databases, CheckpointKeySource keys, TiledProofSource tiles, EvidenceSigning signing, TimeProvider time)
{
    /// <summary>Why no export can be made here at all, or null.</summary>
    public string? Problem =>
        databases.Replica is null ? "the ledger replica is not configured (ConnectionStrings:Replica)"
        : databases.AccessLogWriter is null || databases.AccessLog is null ? "the portal database is not configured (ConnectionStrings:AccessLog)"
        : keys.Key is null ? keys.Problem
        : signing.Problem;

    /// <summary>The exporter; throws <see cref="InvalidOperationException"/> with <see cref="Problem"/> when one is missing.</summary>
    public EvidencePdfExporter Create()
    {
        if (Problem is { } problem)
            throw new InvalidOperationException(problem);
        var ledger = databases.Replica!.DataSource;
        var proofs = new ProofService(ledger, keys.Key!, time, tiles);
        return new EvidencePdfExporter(proofs, ledger, databases.AccessLogWriter!, databases.AccessLog!, databases.AccessLogWriter!.Origin,
            keys.Key!, signing.Certificate!, time);
    }

    /// <summary>The keys of the subjects the grants cover (erased subjects have none), read from the standby before the export.</summary>
    public Task<IReadOnlyDictionary<string, byte[]>> GrantedKeysAsync(IEnumerable<string> subjects, CancellationToken ct) =>
        new AuditPortal.Data.PersonalData.KeyStore(databases.Replica!.DataSource).GetKeysAsync(subjects, ct);
}

using AuditPortal.Data.Reading;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// Where live verification reads and writes: the run registry (portal database) and a runner over
/// the ledger replica. Null members mean "not configured": pages then say so (503) instead of failing.
/// </summary>
public interface IVerificationBackend
{
    VerificationRunStore? Store { get; }

    /// <summary>A runner over the replica (SELECT-only role) that reports each finding to <paramref name="onFinding"/>; null when no replica is configured.</summary>
    LedgerVerificationRunner? CreateRunner(RunScope scope, Action<Finding> onFinding);
}

using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.Evidence;

/// <summary>
/// The evidence export's access-log kinds in the portal (docs/evidence-pdf.md "From the portal"). Investigators only,
/// from the one role table. The export itself is <see cref="AuditPortal.Evidence.EvidencePdfExporter.Kind"/>, appended by the engine.
/// </summary>
public static class EvidenceKinds
{
    /// <summary>What an export would hold (event count, streams, personal fields and how each would appear), read before it starts.</summary>
    public static QueryKind Preview { get; } = new("evidence.preview", PortalPolicies.Investigator);

    /// <summary>Starting an export job (its <c>evidence.export</c> entry is written by the engine when the job runs).</summary>
    public static QueryKind Export { get; } = new(AuditPortal.Evidence.EvidencePdfExporter.Kind, PortalPolicies.Investigator);

    /// <summary>Downloading a finished export's PDF from the case's list.</summary>
    public static QueryKind Download { get; } = new("evidence.download", PortalPolicies.Investigator);
}

using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.Workspace;

/// <summary>
/// The workspace changes the access log records (DESIGN §8: the chain is the record, appended before the change
/// commits). They go through <see cref="QueryGateway.RecordAsync{T}"/> like queries: authorized from the role
/// table, logged (fail closed), then done, then the outcome logged.
/// </summary>
public static class WorkspaceKinds
{
    public static QueryKind CaseOpen { get; } = new("case.open", PortalPolicies.Investigator);
    public static QueryKind CaseMemberAdd { get; } = new("case.member.add", PortalPolicies.Investigator);
    public static QueryKind CaseClose { get; } = new("case.close", PortalPolicies.Investigator);

    /// <summary>A justified unmask grant; its request entry is in the chain before the grant row exists.</summary>
    public static QueryKind UnmaskGrant { get; } = new(AuditPortal.Data.AccessLog.Anomalies.AccessObservation.UnmaskGrantKind, PortalPolicies.Investigator);
    public static QueryKind UnmaskRevoke { get; } = new("unmask.revoke", PortalPolicies.Investigator);

    /// <summary>Star, label, comment on an event (case members: auditors and investigators).</summary>
    public static QueryKind AnnotationSet { get; } = new("annotation.set", PortalPolicies.Auditor);
    public static QueryKind ViewSave { get; } = new("view.save", PortalPolicies.Auditor);
    public static QueryKind ViewDelete { get; } = new("view.delete", PortalPolicies.Auditor);
}

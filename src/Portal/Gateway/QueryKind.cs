using AuditPortal.Portal.Auth;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// A kind of ledger query and who may run it. The name is what the access log records; the policy's
/// roles (<see cref="PortalPolicies.Roles"/>, the one role table) are checked by <see cref="QueryGateway"/>
/// before anything else happens.
/// </summary>
/// <param name="Name">Stable name written to the access log, e.g. <c>dashboard.read</c>.</param>
/// <param name="Policy">The <see cref="PortalPolicies"/> entry whose roles may run it; the page that runs it has the same policy.</param>
/// <param name="RequiresPurpose">True when the caller must state a purpose (case, justification).</param>
public sealed record QueryKind(string Name, string Policy, bool RequiresPurpose = false)
{
    /// <summary>Portal roles that may run it (any one suffices), from the role table.</summary>
    public IReadOnlyList<string> AllowedRoles => PortalPolicies.RolesOf(Policy);

    public bool Allows(IEnumerable<string> roles) => PortalPolicies.Allows(Policy, roles);

    public override string ToString() => Name;
}

/// <summary>The query kinds; who may run each is its policy in the role table (DESIGN §4).</summary>
public static class QueryKinds
{
    /// <summary>Home dashboard: ledger head, latest checkpoint, replica lag. Every portal role.</summary>
    public static QueryKind DashboardRead { get; } = new("dashboard.read", PortalPolicies.AnyRole);

    /// <summary>One entity's events (timeline). Auditors and investigators; admins review the access log, not the ledger.</summary>
    public static QueryKind StreamRead { get; } = new("stream.read", PortalPolicies.Auditor);

    /// <summary>Entity and event search (<c>/timeline</c>): stream type + id, actor, action, time window, payload text.</summary>
    public static QueryKind EntitySearch { get; } = new("entity.search", PortalPolicies.Auditor);

    /// <summary>One entity's timeline page (filtered, ordered, paged), with its proof badge.</summary>
    public static QueryKind TimelineRead { get; } = new("timeline.read", PortalPolicies.Auditor);

    /// <summary>Bitemporal state of one entity at business time T as known at system time K.</summary>
    public static QueryKind AsOfRead { get; } = new("asof.read", PortalPolicies.Auditor);

    /// <summary>Difference between two as-of states of one entity.</summary>
    public static QueryKind AsOfDiff { get; } = new("asof.diff", PortalPolicies.Auditor);

    /// <summary>Per-entity proof details: stream chain and sequence verified, head included in the latest signed checkpoint.</summary>
    public static QueryKind StreamProof { get; } = new("stream.proof", PortalPolicies.Auditor);

    /// <summary>
    /// Starting a verification run (the whole ledger, a range or a stream). Auditors and investigators;
    /// the entry records the scope and the head the run targets (docs/verification.md, "Who may").
    /// </summary>
    public static QueryKind VerificationStart { get; } = new("verification.start", PortalPolicies.Auditor);

    /// <summary>The checkpoint table and the witness's copy, with signature and root status. Auditors and investigators.</summary>
    public static QueryKind CheckpointsRead { get; } = new("checkpoints.read", PortalPolicies.Auditor);

    /// <summary>An inclusion or consistency proof (shown step by step, or downloaded). Auditors and investigators.</summary>
    public static QueryKind ProofRead { get; } = new("proof.read", PortalPolicies.Auditor);

    /// <summary>Backward lineage of a derived event (rule, inputs, staleness, integrity), with the nodes expanded on the page. Auditors and investigators.</summary>
    public static QueryKind LineageRead { get; } = new("lineage.read", PortalPolicies.Auditor);

    /// <summary>Forward impact of an event: every output derived from it, transitively, one page. Auditors and investigators.</summary>
    public static QueryKind LineageImpact { get; } = new("lineage.impact", PortalPolicies.Auditor);

    /// <summary>The ledger-wide list of stale outputs, one page. Auditors and investigators.</summary>
    public static QueryKind LineageStale { get; } = new("lineage.stale", PortalPolicies.Auditor);

    /// <summary>Replay of a derived event's rule over its recorded and its corrected inputs. Auditors and investigators.</summary>
    public static QueryKind LineageReplay { get; } = new("lineage.replay", PortalPolicies.Auditor);

    /// <summary>
    /// The admins' review of the access log: browsing and filtering entries, one entry, a user's or a case's
    /// activity, the review export. Runs on the access log (<see cref="QueryGateway.RunOnAccessLogAsync{TResult}"/>),
    /// so an admin's review is itself an access-log entry. Admins only.
    /// </summary>
    public static QueryKind AccessLogRead { get; } = new("accesslog.read", PortalPolicies.Admin);

    /// <summary>
    /// "What did they see?": re-runs a logged ledger query bounded by the ledger size it recorded and compares the
    /// digest of the returned record ids with the logged one. Reads the ledger (masked: admins never unmask). Admins only.
    /// </summary>
    public static QueryKind AccessLogReplay { get; } = new("accesslog.replay", PortalPolicies.Admin);

    /// <summary>A review period of the access log as CSV (entries, outcomes, chain positions and hashes). Admins only.</summary>
    public static QueryKind AccessLogExport { get; } = new("accesslog.export", PortalPolicies.Admin);

    /// <summary>
    /// An admin acknowledges an anomaly flag with a note: the access-log entry is written first, then the workspace row
    /// naming it (DESIGN §8). Admins only.
    /// </summary>
    public static QueryKind AccessLogAcknowledge { get; } = new("accesslog.acknowledge", PortalPolicies.Admin);

    /// <summary>Starting a verification run of the whole access log (its chains, checkpoints and witness). Admins only.</summary>
    public static QueryKind AccessLogVerify { get; } = new("accesslog.verify", PortalPolicies.Admin);
}

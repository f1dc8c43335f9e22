namespace AuditPortal.Data.Workspace;

/// <summary>
/// An admin's acknowledgement of an anomaly flag, with a note (<c>workspace.review_acknowledgements</c>, one per flag).
/// Convenience: the record is the access-log entry of kind <c>accesslog.acknowledge</c> appended before this row
/// commits (<see cref="AccessLogSeq"/>); the flag is named by its key (rule, version, user, first entry).
/// </summary>
public sealed class ReviewAcknowledgement
{
    public Guid Id { get; set; }

    /// <summary>The flag's key (<c>AnomalyFlag.Key</c>): rule id, version, flagged user, first entry seq.</summary>
    public required string FlagKey { get; set; }

    public required string RuleId { get; set; }

    public int RuleVersion { get; set; }

    /// <summary>OIDC subject of the flagged user.</summary>
    public required string FlaggedSubject { get; set; }

    /// <summary>OIDC subject of the admin who acknowledged it.</summary>
    public required string AcknowledgedBy { get; set; }

    public DateTimeOffset AcknowledgedAt { get; set; }

    public required string Note { get; set; }

    /// <summary>The access-log entry (request seq) that recorded the acknowledgement.</summary>
    public long AccessLogSeq { get; set; }
}

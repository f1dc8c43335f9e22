namespace AuditPortal.Data.Workspace;

/// <summary>
/// A justified, time-limited permission for one investigator to see one data subject's personal values
/// (all of them, or one field) within one case (<c>workspace.unmask_grants</c>). The grant's access-log
/// entry is appended before the row is stored (<see cref="AccessLogSeq"/>); the chain is the record, the
/// row is what the portal checks. A grant reveals while <c>RevokedAt</c> is null and now &lt; <c>ExpiresAt</c>.
/// </summary>
public sealed class UnmaskGrant
{
    public Guid Id { get; set; }

    public Guid CaseId { get; set; }

    /// <summary>OIDC subject of the investigator who may see the values.</summary>
    public required string GranteeSubject { get; set; }

    public required string GranteeName { get; set; }

    /// <summary>The personal-data subject id (the envelope's <c>sub</c>); a pseudonym, never a clear value.</summary>
    public required string DataSubject { get; set; }

    /// <summary>The payload member name the grant is limited to; null for every field of the subject.</summary>
    public string? FieldName { get; set; }

    /// <summary>The stated reason (the same text as in the access-log entry).</summary>
    public required string Reason { get; set; }

    public DateTimeOffset GrantedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>OIDC subject of who revoked it early.</summary>
    public string? RevokedBy { get; set; }

    /// <summary>The <c>seq</c> of the grant's entry in the access-log chain.</summary>
    public long AccessLogSeq { get; set; }

    /// <summary>True while the grant reveals at <paramref name="now"/>.</summary>
    public bool IsLiveAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}

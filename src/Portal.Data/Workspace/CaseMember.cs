namespace AuditPortal.Data.Workspace;

/// <summary>
/// Someone who works in a case (<c>workspace.case_members</c>, key: case + subject): an investigator or an
/// auditor. Only members may choose the case, and only investigator members may be granted unmasking in it.
/// </summary>
public sealed class CaseMember
{
    public Guid CaseId { get; set; }

    /// <summary>The member's OIDC subject.</summary>
    public required string SubjectId { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>The portal role the member works in the case as (<c>investigator</c> or <c>auditor</c>).</summary>
    public required string Role { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    /// <summary>OIDC subject of who added the member (the owner for the owner's own row).</summary>
    public required string AddedBy { get; set; }
}

namespace AuditPortal.Data.Workspace;

/// <summary>
/// A portal user the workspace has seen signing in (<c>workspace.known_users</c>, key: OIDC subject) with a role that
/// may work in a case (investigator or auditor): whom the case page offers when the owner adds a member. Updated
/// at each sign-in (name and roles as the provider last said); no one else is recorded (docs/workspace.md).
/// </summary>
public sealed class KnownUser
{
    /// <summary>The user's OIDC subject.</summary>
    public required string SubjectId { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>The user's case roles at their last sign-in (<c>investigator</c>, <c>auditor</c>).</summary>
    public required string[] Roles { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }
}

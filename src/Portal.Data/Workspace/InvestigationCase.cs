namespace AuditPortal.Data.Workspace;

/// <summary>
/// An investigation (<c>workspace.cases</c>): the purpose every ledger query, grant, annotation and saved
/// view of the case is made for. Opened by an investigator (the owner, also its first member), closed by
/// its owner; a closed case keeps its rows but admits no new queries, grants or annotations.
/// </summary>
public sealed class InvestigationCase
{
    public Guid Id { get; set; }

    public required string Title { get; set; }

    /// <summary>The purpose or legal basis, as stated when the case was opened (docs/workspace.md).</summary>
    public required string Purpose { get; set; }

    /// <summary>An outside reference (ticket, court order number), optional.</summary>
    public string? Reference { get; set; }

    public CaseStatus Status { get; set; }

    /// <summary>OIDC subject of the investigator who opened it.</summary>
    public required string OwnerSubject { get; set; }

    public required string OwnerName { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>OIDC subject of who closed it.</summary>
    public string? ClosedBy { get; set; }

    public List<CaseMember> Members { get; } = [];
}

/// <summary>Stored as text (<c>open</c>, <c>closed</c>).</summary>
public enum CaseStatus
{
    Open,
    Closed,
}

namespace AuditPortal.Data.Workspace;

/// <summary>A named portal URL (timeline, search, as-of) within a case (<c>workspace.saved_views</c>, name unique per case).</summary>
public sealed class SavedView
{
    public Guid Id { get; set; }

    public Guid CaseId { get; set; }

    public required string Name { get; set; }

    /// <summary>The view's path and query, relative to the portal (starts with <c>/</c>).</summary>
    public required string Url { get; set; }

    /// <summary>OIDC subject of who saved it.</summary>
    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

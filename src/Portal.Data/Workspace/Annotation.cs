namespace AuditPortal.Data.Workspace;

/// <summary>
/// What a case says about one ledger event (<c>workspace.annotations</c>, one row per case and event): a
/// star, a free label (autocompleted from the case's labels) and a comment. Each change is also an
/// access-log entry.
/// </summary>
public sealed class Annotation
{
    public Guid Id { get; set; }

    public Guid CaseId { get; set; }

    /// <summary>The ledger event's id.</summary>
    public Guid EventId { get; set; }

    /// <summary>The event's stream, so the case page can link to its timeline without a ledger query.</summary>
    public required string StreamType { get; set; }

    public required string StreamId { get; set; }

    public bool Starred { get; set; }

    public string? Label { get; set; }

    public string? Comment { get; set; }

    /// <summary>OIDC subject of who made the last change.</summary>
    public required string UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

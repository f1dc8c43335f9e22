namespace AuditPortal.Evidence;

/// <summary>
/// The chain of custody an evidence PDF's cover states (docs/evidence-pdf.md): who exported what, when, from which
/// portal, for which case, and the access-log entry that recorded the export before the file was produced.
/// The checkpoint and the bundle's hash come from the bundle itself.
/// </summary>
public sealed record EvidenceCustody
{
    /// <summary>The export's id, printed on every page (e.g. <c>exp-0193…</c>).</summary>
    public required string ExportId { get; init; }

    /// <summary>The case reference, when the export belongs to one (portal exports); null for an operator's export.</summary>
    public string? CaseReference { get; init; }

    /// <summary>Null for a whole stream; for a bundle that is not complete, what it holds (<c>partial: events from … to …</c>), printed on the cover.</summary>
    public string? Partial { get; init; }

    /// <summary>The case's purpose or legal basis, or the operator's stated purpose.</summary>
    public string? Purpose { get; init; }

    /// <summary>Who exported it (display name) and as what (<c>investigator</c>, <c>operator</c>).</summary>
    public required string ExportedBy { get; init; }

    public required string ExportedAs { get; init; }

    public required DateTime ExportedAt { get; init; }

    /// <summary>The portal's version (assembly informational version).</summary>
    public required string PortalVersion { get; init; }

    /// <summary>The access-log entry that recorded this export: its sequence and its leaf hash (hex).</summary>
    public required long AccessLogSeq { get; init; }

    public required string AccessLogHash { get; init; }

    /// <summary>The access log's origin (e.g. <c>access-log/demo</c>), so a reader knows which chain the entry is in.</summary>
    public required string AccessLogOrigin { get; init; }
}

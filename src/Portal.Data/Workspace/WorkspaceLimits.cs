namespace AuditPortal.Data.Workspace;

/// <summary>Column lengths of the workspace tables; the portal's validation uses the same numbers.</summary>
public static class WorkspaceLimits
{
    public const int TitleLength = 200;
    public const int ReferenceLength = 100;
    public const int LabelLength = 64;

    /// <summary>Purposes, reasons, comments: as long as the access log's purpose (QueryPurpose.MaximumLength).</summary>
    public const int TextLength = 1000;

    public const int UrlLength = 2000;
}

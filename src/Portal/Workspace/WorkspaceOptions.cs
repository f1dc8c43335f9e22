namespace AuditPortal.Portal.Workspace;

/// <summary><c>Portal:Workspace</c> (docs/workspace.md, docs/configuration.md).</summary>
public sealed class WorkspaceOptions
{
    public const string Section = "Portal:Workspace";

    /// <summary>
    /// Purpose limitation: every ledger query (the kinds of the <c>Auditor</c> policy) must be made in a case.
    /// On in <c>appsettings.json</c>, off in Development (and in the test suite, except where a test turns it on).
    /// </summary>
    public bool RequireCase { get; set; }

    /// <summary>Duration a grant dialog proposes.</summary>
    public TimeSpan DefaultGrantDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest grant anyone may ask for.</summary>
    public TimeSpan MaxGrantDuration { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The shortest grant (below it a grant would expire before the page shows it).</summary>
    public static TimeSpan MinGrantDuration { get; } = TimeSpan.FromMinutes(1);
}

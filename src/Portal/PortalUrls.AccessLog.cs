using AuditPortal.Portal.AccessLogReview;

namespace AuditPortal.Portal;

/// <summary>The access-log review's URLs (docs/access-log-review.md).</summary>
public static partial class PortalUrls
{
    public const string AccessLog = "/access-log";
    public const string AccessLogExportCsv = "/access-log/export.csv";
    public const string AccessLogExportPdf = "/access-log/export.pdf";
    public const string AccessLogFlags = "/access-log/flags";
    public const string AccessLogVerification = "/access-log/verification";

    /// <summary>The browser with these filters and page.</summary>
    public static string AccessLogBrowse(AccessLogCriteria c) => WithQuery(AccessLog, AccessLogParameters(c, withUser: true, withCase: true));

    /// <summary>One user's activity timeline and entries (the other filters and the page kept).</summary>
    public static string AccessLogUser(string subjectId, AccessLogCriteria? c = null) =>
        WithQuery($"{AccessLog}/users/{Uri.EscapeDataString(subjectId)}", AccessLogParameters(c ?? AccessLogCriteria.Empty, withUser: false, withCase: true));

    /// <summary>One case's activity and entries.</summary>
    public static string AccessLogCase(string caseReference, AccessLogCriteria? c = null) =>
        WithQuery($"{AccessLog}/cases/{Uri.EscapeDataString(caseReference)}", AccessLogParameters(c ?? AccessLogCriteria.Empty, withUser: true, withCase: false));

    /// <summary>One entry (by the seq of its request event) with its chain position and "what did they see".</summary>
    public static string AccessLogEntry(long seq) => $"{AccessLog}/entries/{Number(seq)}";

    /// <summary>The review export of these filters as CSV.</summary>
    public static string AccessLogCsv(AccessLogCriteria c) =>
        WithQuery(AccessLogExportCsv, AccessLogParameters(c with { Trail = AuditPortal.Portal.Timeline.PageTrail.First, PageSize = AccessLogCriteria.DefaultPageSize }, withUser: true, withCase: true));

    /// <summary>The signed review PDF of these filters (the period and the other filters; docs/access-log-review.md).</summary>
    public static string AccessLogPdf(AccessLogCriteria c) =>
        WithQuery(AccessLogExportPdf, AccessLogParameters(c with { Trail = AuditPortal.Portal.Timeline.PageTrail.First, PageSize = AccessLogCriteria.DefaultPageSize }, withUser: true, withCase: true));

    private static (string, string?)[] AccessLogParameters(AccessLogCriteria c, bool withUser, bool withCase) =>
    [
        ("user", withUser ? c.User : null), ("role", c.Role), ("kind", c.Kind), ("case", withCase ? c.CaseReference : null),
        ("outcome", c.Outcome is { } o ? AccessLogCriteria.OutcomeText(o) : null),
        ("from", c.From is { } f ? Instant(f) : null), ("to", c.To is { } t ? Instant(t) : null), ("client", c.ClientAddress),
        ("size", c.PageSize == AccessLogCriteria.DefaultPageSize ? null : Number(c.PageSize)),
        ("pages", c.Trail.Cursors.Count == 0 ? null : c.Trail.ToString()),
    ];
}

using AuditPortal.Data.AccessLog;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>One page of the access-log browser, and the activity summary when the view is one user's or one case's.</summary>
public sealed record AccessLogBrowseView(AccessLogCriteria Criteria, AccessLogPage Page, AccessLogActivity? Activity);

/// <summary>One logged query with its outcome, chain position and hash; <see cref="HeadSize"/> is the access log's size when read.</summary>
public sealed record AccessLogEntryView(AccessLogItem Item, long HeadSize);

using System.Globalization;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Timeline;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// What the access-log browser shows. Query parameters: <c>user</c> (subject id), <c>role</c>, <c>kind</c>,
/// <c>case</c>, <c>outcome</c> (completed|failed|refused|pending), <c>from</c>, <c>to</c> (request time,
/// <c>[from, to)</c>), <c>client</c> (address), <c>size</c>, <c>pages</c> (the trail of keyset cursors: the
/// <c>seq</c> each page starts before). Every value is checked by <see cref="StrictQuery"/>; nothing is
/// queried or logged for a bad one.
/// </summary>
public sealed record AccessLogCriteria(
    string? User, string? Role, string? Kind, string? CaseReference, AccessLogOutcomeFilter? Outcome,
    DateTimeOffset? From, DateTimeOffset? To, string? ClientAddress, int PageSize, PageTrail Trail)
{
    public const int DefaultPageSize = 50;
    public const int MaxTextLength = 200;

    public static AccessLogCriteria Empty { get; } = new(null, null, null, null, null, null, null, null, DefaultPageSize, PageTrail.First);

    /// <summary>The outcomes as they appear in URLs, the form and the export.</summary>
    public static IReadOnlyList<(string Text, AccessLogOutcomeFilter Value)> Outcomes { get; } =
    [
        ("completed", AccessLogOutcomeFilter.Completed), ("failed", AccessLogOutcomeFilter.Failed),
        ("refused", AccessLogOutcomeFilter.Refused), ("pending", AccessLogOutcomeFilter.Pending),
    ];

    public static string OutcomeText(AccessLogOutcomeFilter outcome) => Outcomes.First(o => o.Value == outcome).Text;

    public AccessLogCriteria WithTrail(PageTrail trail) => this with { Trail = trail };

    /// <summary>The keyset cursor of this page: entries before this seq (null: the newest).</summary>
    public long? BeforeSeq => Trail.Current is { } c ? long.Parse(c, NumberStyles.None, CultureInfo.InvariantCulture) : null;

    public AccessLogFilter ToFilter() => new()
    {
        SubjectId = User,
        Role = Role,
        Kind = Kind,
        CaseReference = CaseReference,
        Outcome = Outcome,
        From = From?.UtcDateTime,
        To = To?.UtcDateTime,
        ClientAddress = ClientAddress,
    };

    /// <summary>The canonical parameters the access log records for the admin's own query.</summary>
    public object Canonical => new
    {
        user = User,
        role = Role,
        kind = Kind,
        @case = CaseReference,
        outcome = Outcome is { } o ? OutcomeText(o) : null,
        from = From is { } f ? PortalUrls.Instant(f) : null,
        to = To is { } t ? PortalUrls.Instant(t) : null,
        client = ClientAddress,
        size = PageSize,
        before = BeforeSeq,
    };

    public static AccessLogCriteria Parse(StrictQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var outcomeText = q.Text("outcome", 20);
        AccessLogOutcomeFilter? outcome = outcomeText is null ? null
            : Outcomes.Where(o => o.Text == outcomeText).Select(o => (AccessLogOutcomeFilter?)o.Value).FirstOrDefault();
        if (outcomeText is not null && outcome is null)
            q.Add($"outcome: one of {string.Join(", ", Outcomes.Select(o => o.Text))}");
        var role = q.Text("role", 20);
        if (role is not null && !PortalRoles.IsPortalRole(role))
        {
            q.Add($"role: one of {string.Join(", ", PortalRoles.All)}");
            role = null;
        }
        var criteria = new AccessLogCriteria(
            q.Text("user", MaxTextLength), role, q.Text("kind", MaxTextLength), q.Text("case", MaxTextLength), outcome,
            q.Instant("from"), q.Instant("to"), q.Text("client", MaxTextLength),
            q.Int("size", DefaultPageSize, 1, AccessLogReader.MaxPageSize), q.Trail("pages"));
        if (criteria.From is { } from && criteria.To is { } to && from >= to)
            q.Add("from: must be before 'to'");
        foreach (var cursor in criteria.Trail.Cursors)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1)
            {
                q.Add("pages: malformed page trail; start again from the first page");
                return criteria with { Trail = PageTrail.First };
            }
        }
        return criteria;
    }

    /// <summary>The next page's trail entry for a page that ended before <paramref name="nextBeforeSeq"/>.</summary>
    public static string Cursor(long nextBeforeSeq) => nextBeforeSeq.ToString(CultureInfo.InvariantCulture);
}

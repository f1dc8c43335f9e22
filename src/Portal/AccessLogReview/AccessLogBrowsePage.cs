using AuditPortal.Data.Requests;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Shared;
using AuditPortal.Portal.Timeline;
using Microsoft.AspNetCore.Components;

namespace AuditPortal.Portal.AccessLogReview;

/// <summary>
/// The base of the access-log browser and its per-user and per-case views: the criteria from the URL (the route
/// fixes the user or the case), one <see cref="QueryKinds.AccessLogRead"/> gateway call per view, keyset pages
/// as links (docs/access-log-review.md).
/// </summary>
public abstract class AccessLogBrowsePage : GatewayPage
{
    [Inject] public required AccessLogQueries Queries { get; init; }

    // The view's query parameters, declared so that a link to the same page with another query re-renders it.
    [SupplyParameterFromQuery(Name = "user")] public string? UserQuery { get; set; }
    [SupplyParameterFromQuery(Name = "role")] public string? RoleQuery { get; set; }
    [SupplyParameterFromQuery(Name = "kind")] public string? KindQuery { get; set; }
    [SupplyParameterFromQuery(Name = "case")] public string? CaseQuery { get; set; }
    [SupplyParameterFromQuery(Name = "outcome")] public string? OutcomeQuery { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? FromQuery { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToQuery { get; set; }
    [SupplyParameterFromQuery(Name = "client")] public string? ClientQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeQuery { get; set; }
    [SupplyParameterFromQuery(Name = "pages")] public string? PagesQuery { get; set; }

    protected AccessLogCriteria Criteria { get; private set; } = AccessLogCriteria.Empty;
    protected AccessLogBrowseView? View { get; private set; }

    /// <summary>The criteria the route fixes (a user, a case), after those of the query string.</summary>
    protected virtual AccessLogCriteria Scope(AccessLogCriteria fromQuery, StrictQuery q) => fromQuery;

    /// <summary>This page's URL for other criteria (paging).</summary>
    protected abstract string UrlFor(AccessLogCriteria criteria);

    /// <summary>Whether the view shows the activity summary.</summary>
    protected virtual bool WithActivity => false;

    protected string? PreviousUrl => Criteria.Trail.Previous is { } p ? UrlFor(Criteria.WithTrail(p)) : null;

    protected string? NextUrl => View?.Page.NextBeforeSeq is { } next && Criteria.Trail.Next(AccessLogCriteria.Cursor(next)) is { } trail
        ? UrlFor(Criteria.WithTrail(trail))
        : null;

    protected override async Task LoadViewAsync()
    {
        var q = ReadQuery();
        Criteria = Scope(AccessLogCriteria.Parse(q), q);
        View = null;
        OnCriteria();
        if (!q.IsValid)
        {
            BadRequest(q.Problems);
            return;
        }
        var result = await LoadOnceAsync(ct => Queries.BrowseAsync(User, Criteria, WithActivity, ct));
        if (result.IsOk)
            View = result.Value;
        else
            GatewayFailed(result);
    }

    /// <summary>Called once the criteria are parsed (the browser fills its form).</summary>
    protected virtual void OnCriteria()
    {
    }

    /// <summary>A route value (user or case) checked like a query text: control and bidi characters, length.</summary>
    protected static string? RouteText(StrictQuery q, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            q.Add($"{name}: required");
            return null;
        }
        if (LedgerName.TextProblem(name, value, AccessLogCriteria.MaxTextLength) is { } problem)
        {
            q.Add(problem);
            return null;
        }
        return value;
    }
}

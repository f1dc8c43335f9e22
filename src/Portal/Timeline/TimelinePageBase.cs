using AuditPortal.Portal.Shared;
using Microsoft.AspNetCore.Components;

namespace AuditPortal.Portal.Timeline;

/// <summary>What the timeline pages share beyond <see cref="GatewayPage"/>: their queries, the clock, unmasking.</summary>
public abstract class TimelinePageBase : GatewayPage
{
    [Inject] public required TimelineQueries Queries { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    protected bool MayUnmask => Redaction.RedactionPolicy.MayUnmask(User);
}

using System.Globalization;
using System.Security.Claims;
using AuditPortal.Data.Lineage;
using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.Lineage;

/// <summary>
/// The lineage pages' queries (docs/lineage.md), each one gateway call running the data layer's
/// <see cref="LineageQuery"/> or <see cref="LineageReplay"/> on the gateway's replica session. Callers validate
/// parameters first (<see cref="LineageParameters"/>), so a bad one is a 400 before anything is logged or queried.
/// </summary>
public sealed class LineageQueries(QueryGateway gateway)
{
    /// <summary>Nodes a view may expand beyond the root (each adds its inputs to the one statement).</summary>
    public const int MaxExpanded = 50;

    /// <summary>Rows per page of the impact and stale lists.</summary>
    public const int PageSize = 50;

    /// <summary>The backward lineage of <paramref name="output"/> and of each expanded node. A null <see cref="Lookup{T}.Value"/>: no such event.</summary>
    public Task<GatewayResult<Lookup<LineageView>>> BackwardAsync(ClaimsPrincipal user, Guid output, IReadOnlyList<Guid> expand, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.LineageRead, user, new { event_id = Id(output), expand = expand.Select(Id).ToArray() }, purpose: null,
            BackwardQuery(output, expand), ct);

    /// <summary>A page of the forward impact of <paramref name="input"/>. A null <see cref="Lookup{T}.Value"/>: no such event.</summary>
    public Task<GatewayResult<Lookup<ImpactView>>> ImpactAsync(ClaimsPrincipal user, Guid input, IReadOnlyList<long> trail, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.LineageImpact, user,
            new { event_id = Id(input), after = trail.Count == 0 ? 0 : trail[^1], page_size = PageSize }, purpose: null, ImpactQuery(input, trail, PageSize), ct);

    /// <summary>A page of the ledger's stale outputs.</summary>
    public Task<GatewayResult<StaleView>> StaleAsync(ClaimsPrincipal user, IReadOnlyList<StaleCursor> trail, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.LineageStale, user, new { after = trail.Count == 0 ? null : trail[^1].ToString(), page_size = PageSize }, purpose: null,
            StaleQuery(trail, PageSize), ct);

    /// <summary>The replay of <paramref name="output"/>. A null <see cref="Lookup{T}.Value"/>: no such event.</summary>
    public Task<GatewayResult<Lookup<ReplayView>>> ReplayAsync(ClaimsPrincipal user, Guid output, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.LineageReplay, user, new { event_id = Id(output) }, purpose: null, ReplayQuery(output), ct);

    // Each view's query and its record ids, for the page and for the bounded re-run ("what did they see",
    // docs/access-log-review.md): one definition of what a lineage page returned. ledgerSize: only events with seq ≤ it.

    /// <summary>The backward lineage; its record ids: each loaded output, its inputs found in the ledger and the corrections recorded after it.</summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<Lookup<LineageView>>>> BackwardQuery(Guid output, IReadOnlyList<Guid> expand,
        long? ledgerSize = null) =>
        async (session, token) =>
        {
            var all = await new LineageQuery { LedgerSize = ledgerSize }.BackwardAsync(session.Connection, session.Transaction, [output, .. expand], token);
            if (!all.TryGetValue(output, out var root))
                return QueryAnswer.Of(new Lookup<LineageView>(null), []);
            var expanded = all.Where(kv => kv.Key != output).ToDictionary();
            var ids = all.Values.SelectMany(b => b.Inputs.Where(i => i.Node is not null).Select(i => RecordId.Event(i.EventId))
                    .Concat(b.Inputs.SelectMany(i => i.CorrectedAfterOutput).Select(c => RecordId.Event(c.EventId))).Prepend(RecordId.Event(b.Output.EventId)))
                .Distinct(StringComparer.Ordinal).ToList();
            return QueryAnswer.Of(new Lookup<LineageView>(new LineageView(root, expanded, expand)), ids);
        };

    /// <summary>A page of forward impact; its record ids: the input and the page's outputs.</summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<Lookup<ImpactView>>>> ImpactQuery(Guid input, IReadOnlyList<long> trail, int pageSize,
        long? ledgerSize = null) =>
        async (session, token) =>
        {
            var page = await new LineageQuery { LedgerSize = ledgerSize }.ForwardAsync(session.Connection, session.Transaction, input,
                trail.Count == 0 ? 0 : trail[^1], pageSize, token);
            return page is null
                ? QueryAnswer.Of(new Lookup<ImpactView>(null), [])
                : QueryAnswer.Of(new Lookup<ImpactView>(new ImpactView(page, trail)), page.Rows.Select(r => RecordId.Event(r.Output.EventId)).Prepend(RecordId.Event(input)).ToList());
        };

    /// <summary>A page of stale outputs; its record ids: each row's output and correction.</summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<StaleView>>> StaleQuery(IReadOnlyList<StaleCursor> trail, int pageSize,
        long? ledgerSize = null) =>
        async (session, token) =>
        {
            var page = await new LineageQuery { LedgerSize = ledgerSize }.StaleOutputsAsync(session.Connection, session.Transaction,
                trail.Count == 0 ? null : trail[^1], pageSize, token);
            var ids = page.Rows.SelectMany(r => new[] { RecordId.Event(r.Output.EventId), RecordId.Event(r.Correction.EventId) }).Distinct(StringComparer.Ordinal).ToList();
            return QueryAnswer.Of(new StaleView(page, trail), ids);
        };

    /// <summary>A replay; its record ids: the output, its recorded inputs and their latest corrections ("today": the ledger at the bound).</summary>
    public static Func<ReplicaSession, CancellationToken, Task<QueryAnswer<Lookup<ReplayView>>>> ReplayQuery(Guid output, long? ledgerSize = null) =>
        async (session, token) =>
        {
            var result = await new LineageReplay { LedgerSize = ledgerSize }.ReplayAsync(session.Connection, session.Transaction, output, token);
            if (result is null)
                return QueryAnswer.Of(new Lookup<ReplayView>(null), []);
            var ids = result.Inputs.SelectMany(i => new[] { RecordId.Event(i.Recorded), i.Today is { } t ? RecordId.Event(t.EventId) : null }).OfType<string>()
                .Prepend(RecordId.Event(output)).Distinct(StringComparer.Ordinal).ToList();
            return QueryAnswer.Of(new Lookup<ReplayView>(ReplayView.From(result)), ids);
        };

    /// <summary>An event id as the canonical parameters write it.</summary>
    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}

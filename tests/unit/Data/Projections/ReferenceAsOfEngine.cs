using System.Text;
using AuditPortal.Data.Projections;
using AuditPortal.Verification.Canonical;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.Projections;

/// <summary>
/// The as-of engine as first written (commit c77ead4): literal LINQ over the rules of docs/timeline.md, every
/// applied payload parsed into a JsonObject and folded with <see cref="IProjection.Apply"/>. Kept only here, as the
/// reference the optimised <see cref="AsOfEngine"/> is cross-checked against (AsOfEngineEquivalenceTests).
/// </summary>
internal static class ReferenceAsOfEngine
{
    public static AsOfState Replay(StreamKey stream, IEnumerable<ProjectionEvent> events, DateTime businessTime, DateTime systemTime,
        IProjection projection)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(projection);
        var t = LedgerTime.Truncate(businessTime);
        var k = LedgerTime.Truncate(systemTime);
        var all = events.OrderBy(e => e.StreamSeq).ThenBy(e => e.Seq).ToList();
        var known = new Dictionary<Guid, ProjectionEvent>();
        var excluded = new List<ExcludedEvent>();
        foreach (var e in all)
        {
            if (e.RecordedAt > k)
                excluded.Add(Excluded(e, ExcludedReason.RecordedAfterK, null));
            else
                known.TryAdd(e.EventId, e);
        }

        // Root of each known event: follow supersedes backwards through known events of this stream.
        ProjectionEvent? Target(ProjectionEvent e) =>
            e.Supersedes is { } id && known.TryGetValue(id, out var target) && target.StreamSeq < e.StreamSeq ? target : null;
        var groups = new Dictionary<Guid, List<ProjectionEvent>>();
        foreach (var e in known.Values.OrderBy(e => e.StreamSeq))
        {
            var root = e;
            while (Target(root) is { } earlier)
                root = earlier;
            if (!groups.TryGetValue(root.EventId, out var members))
                groups[root.EventId] = members = [];
            members.Add(e);
        }

        var slots = new List<(ProjectionEvent Root, ProjectionEvent Winner)>();
        foreach (var members in groups.Values)
        {
            var root = members[0];
            var winner = members[^1];
            if (root.OccurredAt > t)
            {
                excluded.AddRange(members.Select(m => Excluded(m, ExcludedReason.OccurredAfterT, null)));
                continue;
            }
            foreach (var m in members)
            {
                if (m == winner)
                    continue;
                var direct = members.FirstOrDefault(c => c.Supersedes == m.EventId && Target(c) == m);
                excluded.Add(Excluded(m, ExcludedReason.Superseded, (direct ?? winner).EventId));
            }
            slots.Add((root, winner));
        }

        var state = projection.Initial();
        var applied = new List<AppliedEvent>(slots.Count);
        foreach (var (root, winner) in slots.OrderBy(s => s.Root.OccurredAt).ThenBy(s => s.Root.StreamSeq))
        {
            state = projection.Apply(state, winner, winner.ParsePayload());
            var corrects = winner != root;
            applied.Add(new AppliedEvent(winner.EventId, winner.Seq, winner.StreamSeq, winner.Action, winner.OccurredAt, winner.RecordedAt,
                corrects ? AppliedReason.AppliedAsCorrection : AppliedReason.Applied, corrects ? root.EventId : null));
        }

        var json = Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(state.ToJsonString()));
        return new AsOfState(stream, t, k, t > k, json, projection.Version, applied,
            excluded.OrderBy(x => x.StreamSeq).ThenBy(x => x.Seq).ToList());
    }

    private static ExcludedEvent Excluded(ProjectionEvent e, ExcludedReason reason, Guid? by) =>
        new(e.EventId, e.Seq, e.StreamSeq, e.Action, e.OccurredAt, e.RecordedAt, reason, by);
}

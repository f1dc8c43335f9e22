using System.Text;
using AuditPortal.Verification.Canonical;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Projections;

/// <summary>
/// Bitemporal replay, in memory and pure: the same events, T, K and projection give byte-identical
/// state, whatever order the events are handed in.
/// </summary>
/// <remarks>
/// Rules (docs/timeline.md):
/// <list type="number">
/// <item>Knowledge: only events with recorded_at ≤ K exist; the others are <see cref="ExcludedReason.RecordedAfterK"/>.</item>
/// <item>Corrections: a known event whose <c>supersedes</c> names an earlier known event of the same
/// stream replaces it. Chains are followed to their first event (the root); of a root and all its
/// known corrections, the one with the highest stream_seq (the last recorded) is applied and the
/// others are <see cref="ExcludedReason.Superseded"/> (by the event that directly supersedes them, or
/// by the applied one for a losing branch). A <c>supersedes</c> naming an event outside the stream,
/// unknown at K or not earlier in the stream is ignored (the event stands on its own).</item>
/// <item>Slot: the applied event takes the root's place: the root's occurred_at and stream_seq.
/// A correction states what was true at the corrected event's business time, so it is retroactive.</item>
/// <item>Business time: slots with occurred_at &gt; T are <see cref="ExcludedReason.OccurredAfterT"/>
/// (the whole chain).</item>
/// <item>Order: slots by (occurred_at, stream_seq) ascending. stream_seq is unique in a stream, so
/// this order is total and does not depend on input order.</item>
/// </list>
/// </remarks>
public static class AsOfEngine
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

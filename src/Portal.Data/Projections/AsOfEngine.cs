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
        IProjection projection) =>
        Replay(stream, events, businessTime, systemTime, projection, payloadText: true);

    /// <param name="payloadText">
    /// Let an <see cref="IPayloadTextProjection"/> fold events from the payload text; false forces the general
    /// path (parse, then <see cref="IProjection.Apply"/>) — tests compare the two.
    /// </param>
    internal static AsOfState Replay(StreamKey stream, IEnumerable<ProjectionEvent> events, DateTime businessTime, DateTime systemTime,
        IProjection projection, bool payloadText)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(projection);
        var t = LedgerTime.Truncate(businessTime);
        var k = LedgerTime.Truncate(systemTime);
        var all = InStreamOrder(events);

        // Knowledge. `known` maps an event id to its index in `knownInOrder` (stream order); an event id seen
        // twice keeps its first occurrence, as the rules' TryAdd does.
        var known = new Dictionary<Guid, int>(all.Count);
        var knownInOrder = new List<ProjectionEvent>(all.Count);
        var excluded = new List<ExcludedEvent>();
        foreach (var e in all)
        {
            if (e.RecordedAt > k)
                excluded.Add(Excluded(e, ExcludedReason.RecordedAfterK, null));
            else if (known.TryAdd(e.EventId, knownInOrder.Count))
                knownInOrder.Add(e);
        }

        // Corrections. The event a known event supersedes, if it counts (known, earlier in the stream).
        ProjectionEvent? Target(ProjectionEvent e) =>
            e.Supersedes is { } id && known.TryGetValue(id, out var target) && knownInOrder[target].StreamSeq < e.StreamSeq
                ? knownInOrder[target]
                : null;
        // Every known event is a root (it corrects nothing that counts) or belongs to the group of its target's
        // root. A target comes earlier in stream order, so its group is known when the correction is reached.
        // Groups are in the order of their roots, members in stream order (the root first).
        var groupOf = new int[knownInOrder.Count];
        var groupRoots = new List<ProjectionEvent>(knownInOrder.Count);
        var groupCorrections = new Dictionary<int, List<ProjectionEvent>>();
        for (var i = 0; i < knownInOrder.Count; i++)
        {
            var e = knownInOrder[i];
            if (Target(e) is { } target)
            {
                var group = groupOf[known[target.EventId]];
                groupOf[i] = group;
                if (!groupCorrections.TryGetValue(group, out var corrections))
                    groupCorrections[group] = corrections = [];
                corrections.Add(e);
            }
            else
            {
                groupOf[i] = groupRoots.Count;
                groupRoots.Add(e);
            }
        }

        var slots = new List<(ProjectionEvent Root, ProjectionEvent Winner)>(groupRoots.Count);
        for (var g = 0; g < groupRoots.Count; g++)
        {
            var root = groupRoots[g];
            if (!groupCorrections.TryGetValue(g, out var corrections))
            {
                if (root.OccurredAt > t)
                    excluded.Add(Excluded(root, ExcludedReason.OccurredAfterT, null));
                else
                    slots.Add((root, root));
                continue;
            }
            List<ProjectionEvent> members = [root, .. corrections];
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

        // Order: (occurred_at, stream_seq) of the root; the slot's index breaks ties as a stable sort would.
        var order = new SlotKey[slots.Count];
        for (var i = 0; i < order.Length; i++)
            order[i] = new SlotKey(slots[i].Root.OccurredAt.Ticks, slots[i].Root.StreamSeq, i);
        Array.Sort(order);

        var text = payloadText ? projection as IPayloadTextProjection : null;
        var state = projection.Initial();
        var applied = new List<AppliedEvent>(slots.Count);
        foreach (var key in order)
        {
            var (root, winner) = slots[key.Index];
            if (text is null || !text.TryApplyText(state, winner, winner.PayloadJson))
                state = projection.Apply(state, winner, winner.ParsePayload());
            var corrects = winner != root;
            applied.Add(new AppliedEvent(winner.EventId, winner.Seq, winner.StreamSeq, winner.Action, winner.OccurredAt, winner.RecordedAt,
                corrects ? AppliedReason.AppliedAsCorrection : AppliedReason.Applied, corrects ? root.EventId : null));
        }

        var json = Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(state.ToJsonString()));
        return new AsOfState(stream, t, k, t > k, json, projection.Version, applied,
            excluded.OrderBy(x => x.StreamSeq).ThenBy(x => x.Seq).ToList());
    }

    /// <summary>
    /// The events by (stream_seq, seq), as a stable sort would give them. The stream is read in stream_seq
    /// order, so this is usually a check; anything else is sorted.
    /// </summary>
    private static List<ProjectionEvent> InStreamOrder(IEnumerable<ProjectionEvent> events)
    {
        var list = events as List<ProjectionEvent> ?? events.ToList();
        for (var i = 1; i < list.Count; i++)
        {
            var (a, b) = (list[i - 1], list[i]);
            if (a.StreamSeq > b.StreamSeq || (a.StreamSeq == b.StreamSeq && a.Seq > b.Seq))
                return list.OrderBy(e => e.StreamSeq).ThenBy(e => e.Seq).ToList();
        }
        return list;
    }

    private static ExcludedEvent Excluded(ProjectionEvent e, ExcludedReason reason, Guid? by) =>
        new(e.EventId, e.Seq, e.StreamSeq, e.Action, e.OccurredAt, e.RecordedAt, reason, by);

    private readonly record struct SlotKey(long OccurredTicks, long StreamSeq, int Index) : IComparable<SlotKey>
    {
        public int CompareTo(SlotKey other)
        {
            var c = OccurredTicks.CompareTo(other.OccurredTicks);
            if (c == 0)
                c = StreamSeq.CompareTo(other.StreamSeq);
            return c != 0 ? c : Index.CompareTo(other.Index);
        }
    }
}

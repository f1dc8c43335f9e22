using System.Globalization;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// The in-memory equivalent of the database's reference query: supersedes and lineage inputs that
/// name no event, and event_ids that occur more than once. Holds every event id (O(N) memory):
/// meant for exported bundles and tests; over the database use <c>DanglingReferenceQuery</c>.
/// </summary>
public static class ReferenceCheck
{
    public static IReadOnlyList<Finding> Find(IEnumerable<LedgerEvent> events)
    {
        var all = events as IReadOnlyCollection<LedgerEvent> ?? events.ToList();
        var firstSeqById = new Dictionary<Guid, long>();
        var findings = new List<Finding>();
        foreach (var e in all)
        {
            if (!firstSeqById.TryAdd(e.EventId, e.Seq))
                findings.Add(DuplicateEventId(e.EventId, firstSeqById[e.EventId], e.Seq, e.Stream, e.StreamSeq));
        }
        foreach (var e in all)
        {
            if (e.Supersedes is { } s && !firstSeqById.ContainsKey(s))
                findings.Add(DanglingSupersedes(e.Seq, e.Stream, e.StreamSeq, s));
            foreach (var input in e.Lineage?.Inputs ?? [])
            {
                if (!firstSeqById.ContainsKey(input))
                    findings.Add(DanglingLineageInput(e.Seq, e.Stream, e.StreamSeq, input));
            }
        }
        return Finding.InReportOrder(findings);
    }

    public static Finding DuplicateEventId(Guid id, long firstSeq, long seq, StreamKey stream, long streamSeq) =>
        new(FindingKind.Duplicate, seq, stream, streamSeq, $"event_id {id} once (seq {N(firstSeq)})", $"again at seq {N(seq)}",
            $"event_id {id} is used by seq {N(firstSeq)} and seq {N(seq)}");

    public static Finding DanglingSupersedes(long seq, StreamKey stream, long streamSeq, Guid target) =>
        new(FindingKind.DanglingSupersedes, seq, stream, streamSeq, $"an event with event_id {target}", "no such event",
            $"seq {N(seq)} supersedes {target}, which is not in the ledger");

    public static Finding DanglingLineageInput(long seq, StreamKey stream, long streamSeq, Guid input) =>
        new(FindingKind.DanglingLineageInput, seq, stream, streamSeq, $"an event with event_id {input}", "no such event",
            $"seq {N(seq)} names lineage input {input}, which is not in the ledger");

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

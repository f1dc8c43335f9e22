using System.Globalization;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// The in-memory equivalent of the database's reference query: supersedes and lineage inputs that
/// name no event, lineage inputs recorded after their output or derived by a rule version the code does not
/// have, and event_ids that occur more than once. Holds every event id (O(N) memory):
/// meant for exported bundles and tests; over the database use <c>DanglingReferenceQuery</c>.
/// </summary>
public static class ReferenceCheck
{
    /// <param name="events">The events, any order.</param>
    /// <param name="isKnownRule">Whether the code has (rule id, version); null skips that check (this project's registry is
    /// <c>AuditPortal.Data.Rules.RuleRegistry.IsKnown</c>, outside this BCL-only library).</param>
    public static IReadOnlyList<Finding> Find(IEnumerable<LedgerEvent> events, Func<string, string, bool>? isKnownRule = null)
    {
        var all = events as IReadOnlyCollection<LedgerEvent> ?? events.ToList();
        var firstSeqById = new Dictionary<Guid, long>();
        var byId = new Dictionary<Guid, LedgerEvent>();
        var findings = new List<Finding>();
        foreach (var e in all)
        {
            if (!firstSeqById.TryAdd(e.EventId, e.Seq))
                findings.Add(DuplicateEventId(e.EventId, firstSeqById[e.EventId], e.Seq, e.Stream, e.StreamSeq));
            else
                byId[e.EventId] = e;
        }
        foreach (var e in all)
        {
            if (e.Supersedes is { } s && !firstSeqById.ContainsKey(s))
                findings.Add(DanglingSupersedes(e.Seq, e.Stream, e.StreamSeq, s));
            foreach (var input in e.Lineage?.Inputs ?? [])
            {
                if (!byId.TryGetValue(input, out var used))
                    findings.Add(DanglingLineageInput(e.Seq, e.Stream, e.StreamSeq, input));
                else
                {
                    if (used.Seq > e.Seq)
                        findings.Add(LineageInputAfterOutput(e.Seq, e.Stream, e.StreamSeq, input, used.Seq));
                    if (isKnownRule is not null && used.Lineage is { } l && !isKnownRule(l.RuleId, l.RuleVersion))
                        findings.Add(LineageInputUnknownRule(e.Seq, e.Stream, e.StreamSeq, input, used.Seq, l.RuleId, l.RuleVersion));
                }
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

    public static Finding LineageInputAfterOutput(long seq, StreamKey stream, long streamSeq, Guid input, long inputSeq) =>
        new(FindingKind.LineageInputAfterOutput, seq, stream, streamSeq, $"lineage input {input} recorded before seq {N(seq)}",
            $"recorded at seq {N(inputSeq)}", $"seq {N(seq)} names lineage input {input}, which was recorded after it (seq {N(inputSeq)})");

    public static Finding LineageInputUnknownRule(long seq, StreamKey stream, long streamSeq, Guid input, long inputSeq, string ruleId, string ruleVersion) =>
        new(FindingKind.LineageInputUnknownRule, seq, stream, streamSeq, $"lineage input {input} derived by a rule version the code has",
            $"rule {ruleId} version {ruleVersion}",
            $"seq {N(seq)} names lineage input {input} (seq {N(inputSeq)}), derived by rule {ruleId} version {ruleVersion}, which this code does not have");

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

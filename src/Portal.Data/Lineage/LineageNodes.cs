using AuditPortal.Data.Timeline;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Data.Lineage;

/// <summary>The one mapping of <c>ledger.events</c> columns to a <see cref="LineageNode"/>: the select list and its reader.</summary>
internal static class LineageNodes
{
    /// <summary>The node's columns of an events row aliased <paramref name="alias"/>, in the order <see cref="Read"/> reads them.</summary>
    public static string Columns(string alias) =>
        $"{alias}.seq, {alias}.event_id, {alias}.stream_type, {alias}.stream_id, {alias}.stream_seq, {alias}.occurred_at, {alias}.recorded_at, " +
        $"{alias}.actor, {alias}.action, {alias}.payload, {alias}.supersedes, {alias}.rule_id, {alias}.rule_version, cardinality({alias}.lineage_inputs)";

    public const int Count = 14;

    /// <summary>Reads the node starting at column <paramref name="at"/>; null when that row is absent (an outer join's NULLs).</summary>
    public static LineageNode? Read(NpgsqlDataReader r, int at)
    {
        if (r.IsDBNull(at))
            return null;
        var action = r.GetString(at + 8);
        return new LineageNode(
            EventId: r.GetGuid(at + 1),
            Seq: r.GetInt64(at),
            Stream: new StreamKey(r.GetString(at + 2), r.GetString(at + 3)),
            StreamSeq: r.GetInt64(at + 4),
            OccurredAt: r.GetFieldValue<DateTime>(at + 5),
            RecordedAt: r.GetFieldValue<DateTime>(at + 6),
            Actor: r.GetString(at + 7),
            Action: action,
            Summary: TimelineSummaries.Summarize(action, r.GetString(at + 9)),
            Supersedes: r.IsDBNull(at + 10) ? null : r.GetGuid(at + 10),
            Rule: r.IsDBNull(at + 11) ? null : new LineageRule(r.GetString(at + 11), r.GetString(at + 12), r.IsDBNull(at + 13) ? 0 : r.GetInt32(at + 13)));
    }
}

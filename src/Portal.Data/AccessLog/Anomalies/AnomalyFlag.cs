namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>
/// A raised flag: which rule (id and version) flagged which user, why (the rule's explanation with the figures
/// that crossed its threshold), and the access-log entries (request seqs) it is about.
/// </summary>
public sealed record AnomalyFlag(string RuleId, int RuleVersion, string SubjectId, DateTime At, string Explanation, IReadOnlyList<long> EntrySeqs)
{
    /// <summary>A stable key: rule, version, user and the first entry.</summary>
    public string Key => FormattableString.Invariant($"{RuleId}/v{RuleVersion}/{SubjectId}/{EntrySeqs[0]}");
}

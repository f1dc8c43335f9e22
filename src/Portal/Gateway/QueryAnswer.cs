namespace AuditPortal.Portal.Gateway;

/// <summary>
/// What a gateway query returns: the value and the ids of the ledger records it contains (e.g.
/// <c>event:42</c>, <c>checkpoint:1000</c>). The ids give the outcome entry its row count and digest.
/// </summary>
public sealed record QueryAnswer<T>(T Value, IReadOnlyList<string> RecordIds);

public static class QueryAnswer
{
    public static QueryAnswer<T> Of<T>(T value, IReadOnlyList<string> recordIds) => new(value, recordIds);
}

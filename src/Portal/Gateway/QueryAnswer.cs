namespace AuditPortal.Portal.Gateway;

/// <summary>
/// What a gateway query returns: the value and the ids of the ledger records it contains, spelled by
/// <see cref="RecordId"/> (event ids as lowercase UUIDs; other records e.g. <c>checkpoint:1000</c>). The ids
/// give the outcome entry its row count and <see cref="AuditPortal.Data.AccessLog.RecordDigest"/>.
/// </summary>
public sealed record QueryAnswer<T>(T Value, IReadOnlyList<string> RecordIds);

public static class QueryAnswer
{
    public static QueryAnswer<T> Of<T>(T value, IReadOnlyList<string> recordIds) => new(value, recordIds);
}

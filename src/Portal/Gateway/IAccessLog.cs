using System.Text.Json.Nodes;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// The portal's access-log chain as the gateway needs it: one request entry before a query runs,
/// one outcome entry after it. Implementations throw when an entry cannot be appended durably; the
/// gateway then refuses to answer (fail closed).
/// </summary>
public interface IAccessLog
{
    /// <summary>Appends the <c>query.requested</c> entry. Throws when it is not durably appended.</summary>
    Task<AccessLogReceipt> RecordRequestAsync(AccessRequest request, CancellationToken ct);

    /// <summary>Appends the outcome entry (<c>query.completed</c> / <c>query.failed</c>) linked to <paramref name="receipt"/>.</summary>
    Task RecordOutcomeAsync(AccessLogReceipt receipt, AccessOutcome outcome, CancellationToken ct);

    /// <summary>Appends a single <c>query.refused</c> entry (the caller's role does not allow the kind).</summary>
    Task RecordRefusalAsync(AccessRequest request, string reason, CancellationToken ct);

    /// <summary>The user's most recent queries, newest first.</summary>
    Task<IReadOnlyList<RecentQuery>> RecentForUserAsync(string user, int limit, CancellationToken ct);
}

/// <summary>Who asks what, and why: the content of a request entry.</summary>
/// <param name="User">Stable user id (<c>preferred_username</c>, else <c>sub</c>).</param>
/// <param name="Roles">The caller's portal roles at the time.</param>
/// <param name="Kind">Query kind name.</param>
/// <param name="Parameters">Canonical parameters of the query (JSON; canonicalized when hashed).</param>
/// <param name="Purpose">Stated purpose or unmask justification; null when none.</param>
/// <param name="Unmask">True when the caller asked for decrypted personal data.</param>
/// <param name="ClientAddress">Remote address of the request, if known.</param>
/// <param name="RequestedAt">Time of the request (injected <see cref="TimeProvider"/>).</param>
/// <param name="RequestId">ASP.NET Core trace identifier, to correlate with server logs.</param>
public sealed record AccessRequest(
    string User,
    IReadOnlyList<string> Roles,
    string Kind,
    JsonNode? Parameters,
    string? Purpose,
    bool Unmask,
    string? ClientAddress,
    DateTimeOffset RequestedAt,
    string? RequestId);

/// <summary>Proof that a request entry was appended: its event id and global sequence in the access-log chain, and whose it is.</summary>
public sealed record AccessLogReceipt(Guid EntryId, long Seq, string User, string? ClientAddress);

/// <summary>How a logged query ended.</summary>
public enum AccessOutcomeStatus
{
    Completed,
    Failed,
}

/// <summary>The content of an outcome entry.</summary>
/// <param name="RowCount">Number of ledger records returned.</param>
/// <param name="RecordsDigest">Hex SHA-256 of the canonical JSON array of returned record ids (see <see cref="RecordDigest"/>).</param>
/// <param name="Error">Short reason for a failure (never ledger data).</param>
public sealed record AccessOutcome(AccessOutcomeStatus Status, int RowCount, string? RecordsDigest, string? Error, DateTimeOffset FinishedAt)
{
    public string Action => Status == AccessOutcomeStatus.Completed ? AccessLogActions.Completed : AccessLogActions.Failed;
}

/// <summary>One of the user's own recent queries, for the dashboard.</summary>
public sealed record RecentQuery(long Seq, DateTimeOffset At, string Kind, string? Purpose, string? Outcome, int? RowCount);

/// <summary>The action names of access-log entries.</summary>
public static class AccessLogActions
{
    public const string Requested = "query.requested";
    public const string Completed = "query.completed";
    public const string Failed = "query.failed";
    public const string Refused = "query.refused";
}

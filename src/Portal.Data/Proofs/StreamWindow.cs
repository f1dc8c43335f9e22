using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Proofs;

/// <summary>
/// A time window of a stream, on business time: the events that occurred at or after <see cref="From"/> and before
/// <see cref="To"/> (UTC). A bundle of a window is not complete (<c>"complete": false</c>, docs/ledger-format.md §8.1):
/// it proves the events it holds and the stream's head, nothing about the events outside the window.
/// </summary>
public sealed record StreamWindow
{
    public StreamWindow(DateTime from, DateTime to)
    {
        if (from.Kind != DateTimeKind.Utc || to.Kind != DateTimeKind.Utc)
            throw new ArgumentException("a stream window is in UTC");
        if (to <= from)
            throw new ArgumentException("a stream window ends after it starts");
        From = from;
        To = to;
    }

    public DateTime From { get; }

    public DateTime To { get; }

    public bool Contains(DateTime occurredAt) => occurredAt >= From && occurredAt < To;

    /// <summary>As the cover, the scope and the access log print it: <c>from … to …</c> in ledger time text (UTC).</summary>
    public override string ToString() => $"from {LedgerTime.ToText(From)} to {LedgerTime.ToText(To)}";
}

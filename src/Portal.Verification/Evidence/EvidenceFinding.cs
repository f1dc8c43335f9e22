namespace AuditPortal.Verification.Evidence;

/// <summary>
/// One failed check of an evidence document: which check (the rule's name, docs/ledger-format.md §8.6), where
/// (the event's <see cref="Seq"/> and/or a JSON path, <see cref="Where"/>), and expected vs. actual.
/// </summary>
public sealed record EvidenceFinding(string Check, long? Seq, string Expected, string Actual, string Message, string? Where = null);

/// <summary>The outcome of checking a bundle offline.</summary>
public sealed record EvidenceReport(
    IReadOnlyList<EvidenceFinding> Findings,
    int EventsChecked,
    long CheckpointSize,
    string RootHash,
    string KeyId,
    bool KeyPinned)
{
    public bool Intact => Findings.Count == 0;
}

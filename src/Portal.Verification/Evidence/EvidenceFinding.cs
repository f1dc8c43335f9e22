namespace AuditPortal.Verification.Evidence;

/// <summary>One failed check of an evidence bundle: which check, where, and expected vs. actual.</summary>
public sealed record EvidenceFinding(string Check, long? Seq, string Expected, string Actual, string Message);

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

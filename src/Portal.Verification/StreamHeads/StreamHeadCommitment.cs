using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.StreamHeads;

/// <summary>What a version 2 checkpoint signs about the streams (docs/ledger-format.md §4.1, §5.1): the
/// number of streams and the root of the stream-head tree.</summary>
public sealed record StreamHeadCommitment(long Count, byte[] Root)
{
    public bool Matches(StreamHeadCommitment other) => Count == other.Count && Root.AsSpan().SequenceEqual(other.Root);

    public override string ToString() => $"{Count} streams, root {HashHex.ToHex(Root)}";
}

using AuditPortal.Verification.StreamHeads;
using System.Globalization;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// The link checks, shared by the row loop and by the merge of parallel ranges so both produce the
/// same findings from the same pair (previous, current).
/// </summary>
internal static class Checks
{
    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Checks that <paramref name="seq"/> directly follows <paramref name="lastSeq"/> and links its stored hash.</summary>
    /// <returns>False when the row must be skipped (a duplicate or a backwards seq).</returns>
    public static bool GlobalLink(long lastSeq, ReadOnlySpan<byte> lastHash, long seq, ReadOnlySpan<byte> prevHash, Action<Finding> report)
    {
        if (seq == lastSeq)
        {
            report(new Finding(FindingKind.Duplicate, seq, null, null, $"seq {N(lastSeq + 1)}", $"seq {N(seq)}",
                $"seq {N(seq)} appears twice"));
            return false;
        }
        if (seq < lastSeq)
        {
            report(new Finding(FindingKind.Reordered, seq, null, null, $"seq > {N(lastSeq)}", $"seq {N(seq)}",
                $"seq {N(seq)} comes after seq {N(lastSeq)}"));
            return false;
        }
        if (seq > lastSeq + 1)
        {
            // The predecessor is missing, so its link cannot be judged; the gap is the finding.
            report(new Finding(FindingKind.GlobalSequenceGap, seq, null, null, $"seq {N(lastSeq + 1)}", $"seq {N(seq)}",
                $"seq {N(lastSeq + 1)}..{N(seq - 1)} missing ({N(seq - lastSeq - 1)} rows)"));
            return true;
        }
        if (!prevHash.SequenceEqual(lastHash))
        {
            report(new Finding(FindingKind.GlobalChainBroken, seq, null, null, HashHex.ToHex(lastHash), HashHex.ToHex(prevHash),
                $"prev_hash of seq {N(seq)} is not the stored hash of seq {N(lastSeq)}"));
        }
        return true;
    }

    /// <summary>Checks the first event seen of a stream: stream_seq 1 and a zero stream_prev_hash.</summary>
    public static void StreamStart(StreamKey stream, long seq, long streamSeq, ReadOnlySpan<byte> streamPrevHash, Action<Finding> report)
    {
        if (streamSeq != 1)
        {
            report(new Finding(FindingKind.StreamSequenceGap, seq, stream, streamSeq, "stream_seq 1", $"stream_seq {N(streamSeq)}",
                $"stream {stream} starts at stream_seq {N(streamSeq)}; 1..{N(streamSeq - 1)} missing"));
        }
        else if (!streamPrevHash.SequenceEqual(HashHex.Zero))
        {
            report(new Finding(FindingKind.StreamChainBroken, seq, stream, streamSeq, HashHex.ToHex(HashHex.Zero),
                HashHex.ToHex(streamPrevHash), $"first event of stream {stream} has a non-zero stream_prev_hash"));
        }
    }

    /// <summary>Checks one event against the previous event of its stream (<paramref name="l"/>).</summary>
    public static void StreamLink(StreamKey stream, long seq, long streamSeq, Guid eventId, ReadOnlySpan<byte> streamPrevHash,
        ref readonly StreamTail l, Action<Finding> report)
    {
        if (streamSeq == l.StreamSeq)
        {
            report(new Finding(FindingKind.Duplicate, seq, stream, streamSeq, $"stream_seq {N(l.StreamSeq + 1)}", $"stream_seq {N(streamSeq)}",
                $"stream_seq {N(streamSeq)} of stream {stream} appears twice (seq {N(l.Seq)} and {N(seq)})"));
        }
        else if (streamSeq < l.StreamSeq)
        {
            report(new Finding(FindingKind.Reordered, seq, stream, streamSeq, $"stream_seq > {N(l.StreamSeq)}", $"stream_seq {N(streamSeq)}",
                $"stream_seq {N(streamSeq)} of stream {stream} comes after stream_seq {N(l.StreamSeq)} (seq {N(l.Seq)})"));
        }
        else if (streamSeq > l.StreamSeq + 1)
        {
            report(new Finding(FindingKind.StreamSequenceGap, seq, stream, streamSeq, $"stream_seq {N(l.StreamSeq + 1)}", $"stream_seq {N(streamSeq)}",
                $"stream {stream}: stream_seq {N(l.StreamSeq + 1)}..{N(streamSeq - 1)} missing"));
        }
        else if (!streamPrevHash.SequenceEqual((ReadOnlySpan<byte>)l.Hash))
        {
            report(new Finding(FindingKind.StreamChainBroken, seq, stream, streamSeq, HashHex.ToHex(l.Hash), HashHex.ToHex(streamPrevHash),
                $"stream_prev_hash of {stream} #{N(streamSeq)} is not the stored hash of #{N(l.StreamSeq)} (seq {N(l.Seq)})"));
        }
        if (eventId == l.EventId)
        {
            report(new Finding(FindingKind.Duplicate, seq, stream, streamSeq, $"an event_id other than {l.EventId}", eventId.ToString(),
                $"event_id {eventId} appears twice in stream {stream} (seq {N(l.Seq)} and {N(seq)})"));
        }
    }

    /// <summary>Compares a commitment with the tree the rows define at its size.</summary>
    public static void TargetStreamHeads(Target target, StreamHeadCommitment actual, Action<Finding> report)
    {
        if (target.Heads is { } expected && !expected.Matches(actual))
        {
            report(new Finding(FindingKind.StreamHeadsMismatch, target.Size, null, null, expected.ToString(), actual.ToString(),
                $"{target.Label} of size {N(target.Size)} commits to other stream heads than the ledger's first {N(target.Size)} rows"));
        }
    }

    public static void TargetRoot(Target target, long leafCount, Func<byte[]>? root, Action<Finding> report)
    {
        var kind = target.FromWitness ? FindingKind.WitnessMismatch : FindingKind.CheckpointRootMismatch;
        if (leafCount != target.Size)
        {
            report(new Finding(kind, target.Size, null, null, HashHex.ToHex(target.Root),
                $"no tree of size {N(target.Size)}: {N(leafCount)} rows up to seq {N(target.Size)}",
                $"{target.Label} of size {N(target.Size)}: the ledger holds {N(leafCount)} rows up to that seq"));
            return;
        }
        if (root is null)
            return;
        var actual = root();
        if (!actual.AsSpan().SequenceEqual(target.Root))
        {
            report(new Finding(kind, target.Size, null, null, HashHex.ToHex(target.Root), HashHex.ToHex(actual),
                $"{target.Label} of size {N(target.Size)} commits to a different tree than the ledger's first {N(target.Size)} rows"));
        }
    }

    public static Finding HeadTruncated(Target target, long headSeq) =>
        new(FindingKind.HeadTruncated, target.Size, null, null, $"at least {N(target.Size)} rows", $"head seq {N(headSeq)}",
            $"{target.Label} commits to {N(target.Size)} events but the ledger ends at seq {N(headSeq)}");
}

/// <summary>A root the ledger must reproduce: a checkpoint-table row or a witness entry.</summary>
internal sealed record Target(long Size, byte[] Root, bool FromWitness, StreamHeadCommitment? Heads = null)
{
    public string Label => FromWitness ? "witness checkpoint" : "checkpoint";
}

using System.Globalization;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Checks an evidence bundle with nothing but the bundle (and optionally a trusted public key), every rule of
/// docs/ledger-format.md §8.4: the key and the checkpoint signature; for each event its record rules (§2),
/// canonical form, leaf hash and inclusion proof; the order of the events; the chain links the bundle
/// determines; and — for a bundle that claims a complete stream — the stream chain and sequence from 1.
/// </summary>
public static class EvidenceBundleVerifier
{
    public static EvidenceReport Verify(EvidenceBundle bundle, CheckpointPublicKey? trustedKey = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message, string? where = null) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message, where));

        if (bundle.Format != EvidenceBundle.FormatName)
            Fail("format", null, EvidenceBundle.FormatName, bundle.Format, "unknown bundle format", "$.format");
        if (!RecordRules.IsTimestamp(bundle.ExportedAt))
            Fail("timestamp", null, "YYYY-MM-DDTHH:MM:SS.ffffffZ (§1)", SignedHeadChecks.Truncated(bundle.ExportedAt),
                "exported_at is not a timestamp of the format", "$.exported_at");

        var key = SignedHeadChecks.ReadKey(bundle.PublicKeyPem, bundle.KeyId, trustedKey, Fail);
        var checkpoint = SignedHeadChecks.ReadCheckpoint(bundle.Checkpoint, key, Fail, "$.checkpoint");
        if (checkpoint is null)
            return new EvidenceReport(findings, 0, 0, "", key?.KeyId ?? "", trustedKey is not null);

        CheckEvents(bundle.Stream, bundle.Events, checkpoint, Fail);
        if (bundle.Stream.Complete && bundle.Events.Count == 0)
            Fail("stream", null, "at least one event", "none", "a complete stream bundle holds events", "$.events");

        return new EvidenceReport(findings, bundle.Events.Count, checkpoint.Size, HashHex.ToHex(checkpoint.RootHash),
            key?.KeyId ?? "", trustedKey is not null);
    }

    /// <summary>What the event checks saw: the last event's stream_seq and leaf hash, and the largest stream_seq.</summary>
    internal readonly record struct EventsSeen(long LastStreamSeq, byte[] LastLeafHash, long MaxStreamSeq);

    /// <summary>Rules 3 to 5 of docs/ledger-format.md §8.4 for every event (shared by both bundle formats).</summary>
    internal static EventsSeen CheckEvents(EvidenceStream stream, IReadOnlyList<EvidenceEvent> events, Checkpoint checkpoint, Fail fail)
    {
        // The previous event in bundle order: its seq, leaf hash and record (null when unreadable).
        (long Seq, byte[] LeafHash, RecordFields? Record)? previous = null;
        var lastStreamSeq = 0L;
        var maxStreamSeq = 0L;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var where = $"$.events[{i}]";
            var leafHash = CheckLeaf(e, checkpoint, fail, where, out var proof);
            var record = SignedHeadChecks.CheckRecord(e.Seq, e.Canonical, fail, where);
            SignedHeadChecks.CheckPosition(e.Seq, e.LeafIndex, record, fail, where);
            if (proof is not null)
                SignedHeadChecks.CheckPrevHashFromProof(e.LeafIndex, proof, record, fail, where);
            if (record is not null && (record.StreamType != stream.Type || record.StreamId != stream.Id))
                fail("stream", e.Seq, $"{stream.Type}/{stream.Id}", $"{record.StreamType}/{record.StreamId}",
                    "event belongs to another stream", where + ".canonical");
            CheckLinks(previous, (e.Seq, leafHash, record), stream.Complete, fail, where);
            previous = (e.Seq, leafHash, record);
            // An unreadable record has a finding already; its place in the stream is assumed to be the next.
            lastStreamSeq = record?.StreamSeq ?? lastStreamSeq + 1;
            maxStreamSeq = Math.Max(maxStreamSeq, lastStreamSeq);
        }
        return new EventsSeen(lastStreamSeq, previous?.LeafHash ?? HashHex.Zero, maxStreamSeq);
    }

    /// <summary>
    /// The rules between an event and the one before it in the bundle (§8.4, rule 5): seq strictly
    /// ascending (no event twice); where the two are neighbours in the ledger (seq − 1) prev_hash is the
    /// previous leaf hash; where they are neighbours in the stream (stream_seq − 1) stream_prev_hash is; and a
    /// complete bundle has every stream_seq from 1 without gaps.
    /// </summary>
    private static void CheckLinks((long Seq, byte[] LeafHash, RecordFields? Record)? previous, (long Seq, byte[] LeafHash, RecordFields? Record) current,
        bool complete, Fail fail, string where)
    {
        if (previous is { } p && current.Seq <= p.Seq)
            fail("event_order", current.Seq, $"seq > {p.Seq.ToString(CultureInfo.InvariantCulture)}", current.Seq.ToString(CultureInfo.InvariantCulture),
                "events are in ascending seq order, each event once", where + ".seq");
        if (current.Record is not { } record)
            return;
        var prevRecord = previous?.Record;
        if (previous is { } q && record.Seq == q.Seq + 1 && !record.PrevHash.AsSpan().SequenceEqual(q.LeafHash))
            fail("prev_hash", record.Seq, HashHex.ToHex(q.LeafHash), HashHex.ToHex(record.PrevHash),
                "prev_hash is not the leaf hash of the bundle's event seq − 1", where + ".canonical/prev_hash");
        var expectedStreamSeq = (prevRecord?.StreamSeq ?? 0) + 1;
        if (complete && record.StreamSeq != expectedStreamSeq)
            fail("stream_seq", record.Seq, expectedStreamSeq.ToString(CultureInfo.InvariantCulture), record.StreamSeq.ToString(CultureInfo.InvariantCulture),
                "a complete stream has every stream_seq from 1 without gaps, in bundle order", where + ".canonical/stream_seq");
        else if (!complete && prevRecord is not null && record.StreamSeq <= prevRecord.StreamSeq)
            fail("stream_seq", record.Seq, $"> {prevRecord.StreamSeq.ToString(CultureInfo.InvariantCulture)}", record.StreamSeq.ToString(CultureInfo.InvariantCulture),
                "stream_seq ascends with seq", where + ".canonical/stream_seq");
        var linked = complete ? record.StreamSeq == expectedStreamSeq : prevRecord is not null && record.StreamSeq == prevRecord.StreamSeq + 1;
        var expectedHash = record.StreamSeq == 1 ? HashHex.Zero : previous?.LeafHash;
        if (linked && expectedHash is not null && !record.StreamPrevHash.AsSpan().SequenceEqual(expectedHash))
            fail("stream_chain", record.Seq, HashHex.ToHex(expectedHash), HashHex.ToHex(record.StreamPrevHash),
                "stream_prev_hash does not link to the previous event of the stream", where + ".canonical/stream_prev_hash");
    }

    private static byte[] CheckLeaf(EvidenceEvent e, Checkpoint checkpoint, Fail fail, string where, out byte[][]? proof)
    {
        var leafHash = SignedHeadChecks.CheckLeafBytes(e.Seq, e.Canonical, e.LeafHash, fail, where);
        proof = SignedHeadChecks.ParseHashes(e.InclusionProof, e.Seq, fail, where + ".inclusion_proof");
        if (proof is null)
            return leafHash;
        var result = MerkleProofVerifier.VerifyInclusion(e.LeafIndex, checkpoint.Size, leafHash, proof, checkpoint.RootHash);
        if (!result.IsValid)
            fail("inclusion_proof", e.Seq, HashHex.ToHex(checkpoint.RootHash), result.CalculatedRoot is null ? "" : HashHex.ToHex(result.CalculatedRoot),
                result.Message, where + ".inclusion_proof");
        return leafHash;
    }
}

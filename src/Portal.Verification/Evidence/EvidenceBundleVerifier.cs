using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuditPortal.Verification.Canonical;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Checks an evidence bundle with nothing but the bundle (and optionally a trusted public key):
/// the checkpoint signature, each event's canonical form, leaf hash and inclusion proof, and — for a
/// bundle that claims a complete stream — the stream chain and sequence from 1.
/// </summary>
public static class EvidenceBundleVerifier
{
    public static EvidenceReport Verify(EvidenceBundle bundle, CheckpointPublicKey? trustedKey = null)
    {
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message));

        if (bundle.Format != EvidenceBundle.FormatName)
            Fail("format", null, EvidenceBundle.FormatName, bundle.Format, "unknown bundle format");

        var key = SignedHeadChecks.ReadKey(bundle.PublicKeyPem, bundle.KeyId, trustedKey, Fail);
        var checkpoint = SignedHeadChecks.ReadCheckpoint(bundle.Checkpoint, key, Fail);
        if (checkpoint is null)
            return new EvidenceReport(findings, 0, 0, "", key?.KeyId ?? "", trustedKey is not null);

        CheckEvents(bundle.Stream, bundle.Events, checkpoint, Fail);
        if (bundle.Stream.Complete && bundle.Events.Count == 0)
            Fail("stream", null, "at least one event", "none", "a complete stream bundle holds events");

        return new EvidenceReport(findings, bundle.Events.Count, checkpoint.Size, HashHex.ToHex(checkpoint.RootHash),
            key?.KeyId ?? "", trustedKey is not null);
    }

    /// <summary>What the event checks saw: the last event's stream_seq and leaf hash, and the largest stream_seq.</summary>
    internal readonly record struct EventsSeen(long LastStreamSeq, byte[] LastLeafHash, long MaxStreamSeq);

    /// <summary>Checks 3 and 4 of docs/ledger-format.md §8 for every event (shared by both bundle formats).</summary>
    internal static EventsSeen CheckEvents(EvidenceStream stream, IReadOnlyList<EvidenceEvent> events, Checkpoint checkpoint,
        Action<string, long?, string, string, string> Fail)
    {
        var previous = (StreamSeq: 0L, Hash: HashHex.Zero);
        var maxStreamSeq = 0L;
        foreach (var e in events)
        {
            var leafHash = CheckLeaf(e, checkpoint, Fail);
            var fields = ReadFields(e, Fail);
            if (fields is null || leafHash is null)
            {
                previous = (previous.StreamSeq + 1, leafHash ?? HashHex.Zero);
                continue;
            }
            if (fields.Value.Seq != e.Seq || e.LeafIndex != e.Seq - 1)
                Fail("leaf_index", e.Seq, $"seq {fields.Value.Seq}, leaf_index {fields.Value.Seq - 1}",
                    $"seq {e.Seq}, leaf_index {e.LeafIndex}", "the bundle's seq/leaf_index disagree with the event record");
            if (fields.Value.StreamType != stream.Type || fields.Value.StreamId != stream.Id)
                Fail("stream", e.Seq, $"{stream.Type}/{stream.Id}",
                    $"{fields.Value.StreamType}/{fields.Value.StreamId}", "event belongs to another stream");
            if (stream.Complete)
            {
                if (fields.Value.StreamSeq != previous.StreamSeq + 1)
                    Fail("stream_seq", e.Seq, (previous.StreamSeq + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        fields.Value.StreamSeq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "a complete stream has every stream_seq from 1 without gaps");
                if (!fields.Value.StreamPrevHash.AsSpan().SequenceEqual(previous.Hash))
                    Fail("stream_chain", e.Seq, HashHex.ToHex(previous.Hash), HashHex.ToHex(fields.Value.StreamPrevHash),
                        "stream_prev_hash does not link to the previous event of the stream");
            }
            previous = (fields.Value.StreamSeq, leafHash);
            maxStreamSeq = Math.Max(maxStreamSeq, fields.Value.StreamSeq);
        }
        return new EventsSeen(previous.StreamSeq, previous.Hash, maxStreamSeq);
    }

    private static byte[]? CheckLeaf(EvidenceEvent e, Checkpoint checkpoint, Action<string, long?, string, string, string> fail)
    {
        var leafHash = SignedHeadChecks.CheckLeafBytes(e.Seq, e.Canonical, e.LeafHash, fail);
        if (SignedHeadChecks.ParseHashes(e.InclusionProof, e.Seq, fail) is not { } proof)
            return leafHash;
        var result = MerkleProofVerifier.VerifyInclusion(e.LeafIndex, checkpoint.Size, leafHash, proof, checkpoint.RootHash);
        if (!result.IsValid)
            fail("inclusion_proof", e.Seq, HashHex.ToHex(checkpoint.RootHash), result.CalculatedRoot is null ? "" : HashHex.ToHex(result.CalculatedRoot), result.Message);
        return leafHash;
    }

    private static (long Seq, string StreamType, string StreamId, long StreamSeq, byte[] StreamPrevHash)? ReadFields(
        EvidenceEvent e, Action<string, long?, string, string, string> fail)
    {
        try
        {
            using var doc = JsonDocument.Parse(e.Canonical);
            var r = doc.RootElement;
            return (r.GetProperty("seq").GetInt64(), r.GetProperty("stream_type").GetString()!,
                r.GetProperty("stream_id").GetString()!, r.GetProperty("stream_seq").GetInt64(),
                HashHex.Parse(r.GetProperty("stream_prev_hash").GetString()!));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            fail("record", e.Seq, "an event record (docs/ledger-format.md §2)", "unreadable", ex.Message);
            return null;
        }
    }
}

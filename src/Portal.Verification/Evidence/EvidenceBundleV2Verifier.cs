using System.Globalization;
using System.Text;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;

namespace AuditPortal.Verification.Evidence;

/// <summary>
/// Checks a format 2 bundle (docs/ledger-format.md §8.7): the checks of format 1 for every event, the checkpoint's
/// signed note and vkeys, and the stream-head proof — which is what shows that a complete bundle's last event is the
/// stream's head at the checkpoint (nothing after it was left out), or that the stream had no events.
/// </summary>
public static class EvidenceBundleV2Verifier
{
    public static EvidenceReport Verify(EvidenceBundleV2 bundle, CheckpointPublicKey? trustedKey = null) => Verify(bundle, trustedKey, null);

    /// <summary>
    /// The key and signed-note checks of a bundle, kept to be replayed for a bundle that carries exactly the same key, key id,
    /// note and vkeys (an evidence set's bundles all do): their outcome depends on nothing else, so checking them again
    /// would only repeat the same findings.
    /// </summary>
    internal sealed class SignedHeadCache
    {
        internal (string Pem, string KeyId, string Note, string Vkeys)? Of;
        internal CheckpointPublicKey? Key;
        internal Checkpoint? Checkpoint;
        internal List<EvidenceFinding> Findings = [];
    }

    internal static EvidenceReport Verify(EvidenceBundleV2 bundle, CheckpointPublicKey? trustedKey, SignedHeadCache? cache)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var findings = new List<EvidenceFinding>();
        void Fail(string check, long? seq, string expected, string actual, string message, string? where = null) =>
            findings.Add(new EvidenceFinding(check, seq, expected, actual, message, where));

        if (bundle.Format != EvidenceBundleV2.FormatName)
            Fail("format", null, EvidenceBundleV2.FormatName, bundle.Format, "unknown bundle format", "$.format");
        if (!RecordRules.IsTimestamp(bundle.ExportedAt))
            Fail("timestamp", null, "YYYY-MM-DDTHH:MM:SS.ffffffZ (§1)", SignedHeadChecks.Truncated(bundle.ExportedAt),
                "exported_at is not a timestamp of the format", "$.exported_at");

        var signedHead = (bundle.PublicKeyPem, bundle.KeyId, bundle.Checkpoint.Note, string.Join('\n', bundle.Vkeys));
        CheckpointPublicKey? key;
        Checkpoint? checkpoint;
        if (cache?.Of is { } cached && cached == signedHead)
        {
            (key, checkpoint) = (cache.Key, cache.Checkpoint);
            findings.AddRange(cache.Findings);
        }
        else
        {
            var before = findings.Count;
            key = SignedHeadChecks.ReadKey(bundle.PublicKeyPem, bundle.KeyId, trustedKey, Fail);
            checkpoint = ReadNote(bundle.Checkpoint.Note, bundle.Vkeys, key, Fail, CheckpointOrigin.Ledger, requireStreamHeads: true);
            if (cache is not null)
                (cache.Of, cache.Key, cache.Checkpoint, cache.Findings) = (signedHead, key, checkpoint, findings.GetRange(before, findings.Count - before));
        }
        if (checkpoint is null)
            return new EvidenceReport(findings, 0, 0, "", key?.KeyId ?? "", trustedKey is not null);

        var seen = EvidenceBundleVerifier.CheckEvents(bundle.Stream, bundle.Events, checkpoint, Fail);
        CheckStreamHead(bundle, checkpoint.StreamHeads!, seen, Fail);
        return new EvidenceReport(findings, bundle.Events.Count, checkpoint.Size, HashHex.ToHex(checkpoint.RootHash),
            key?.KeyId ?? "", trustedKey is not null);
    }

    /// <summary>
    /// Parses the note (a checkpoint of the log <paramref name="log"/>; format 2 when <paramref name="requireStreamHeads"/>),
    /// checks its ECDSA signature by <paramref name="key"/> and every vkey. Also the access-log review bundle's check.
    /// </summary>
    internal static Checkpoint? ReadNote(string noteText, IReadOnlyList<string> vkeys, CheckpointPublicKey? key, Fail fail, string log, bool requireStreamHeads)
    {
        SignedNote note;
        Checkpoint checkpoint;
        try
        {
            note = SignedNote.Parse(noteText);
            checkpoint = Checkpoint.Parse(note.Text);
        }
        catch (FormatException ex)
        {
            fail("checkpoint", null, "a signed note of a format 2 checkpoint (docs/ledger-format.md §5)", "malformed", ex.Message, "$.checkpoint.note");
            return null;
        }
        if (requireStreamHeads && checkpoint.StreamHeads is null)
        {
            fail("checkpoint", checkpoint.Size, "a format 2 checkpoint", "format 1", "a format 2 bundle's checkpoint commits to the stream heads", "$.checkpoint.note");
            return null;
        }
        if (CheckpointOrigin.Log(checkpoint.Origin) != log)
            fail("origin", checkpoint.Size, $"{log}/<deployment>", checkpoint.Origin,
                $"this document is checked against checkpoints of the {log} log only", "$.checkpoint.note");
        var text = Encoding.UTF8.GetBytes(note.Text);
        var ecdsa = key?.NoteKey(checkpoint.Origin);
        if (ecdsa is null || note.SignatureBy(ecdsa) is not { } line || !ecdsa.Verifies(text, line.Signature))
            fail("checkpoint_signature", checkpoint.Size, "valid ECDSA P-256/SHA-256 signature line", "missing or invalid",
                "the checkpoint note carries no valid signature by the public key", "$.checkpoint.note");

        for (var i = 0; i < vkeys.Count; i++)
        {
            var where = $"$.vkeys[{i}]";
            if (vkeys.Take(i).Contains(vkeys[i], StringComparer.Ordinal))
                fail("vkeys", null, "each key once", vkeys[i], $"vkeys[{i}] repeats an earlier vkey", where);
            NoteVerifierKey vkey;
            try { vkey = NoteVerifierKey.Parse(vkeys[i]); }
            catch (FormatException ex)
            {
                fail("vkeys", null, "a C2SP vkey", vkeys[i], $"vkeys[{i}]: {ex.Message}", where);
                continue;
            }
            if (vkey.Name != checkpoint.Origin)
                fail("vkeys", null, checkpoint.Origin, vkey.Name, $"vkeys[{i}] names another log than the checkpoint's origin", where);
            if (vkey.Type == NoteVerifierKey.Ecdsa && (ecdsa is null || !vkey.PublicKey.AsSpan().SequenceEqual(ecdsa.PublicKey)))
                fail("vkeys", null, "the DER of public_key", "another key", $"vkeys[{i}] is an ECDSA key other than public_key", where);
            if (note.SignatureBy(vkey) is not { } signature)
                fail("vkeys", checkpoint.Size, $"a signature line by {vkey.Name}+{vkey.KeyId:x8}", "none",
                    $"vkeys[{i}] did not sign the checkpoint note", where);
            else if (!vkey.Verifies(text, signature.Signature))
                fail("checkpoint_signature", checkpoint.Size, $"a valid signature by {vkey.Name}+{vkey.KeyId:x8}", "invalid",
                    $"the checkpoint note's signature by vkeys[{i}] does not verify", where);
        }
        if (ecdsa is not null && !vkeys.Contains(ecdsa.ToString()))
            fail("vkeys", null, ecdsa.ToString(), "absent", "vkeys lacks the ECDSA key of public_key", "$.vkeys");
        return checkpoint;
    }

    private static void CheckStreamHead(EvidenceBundleV2 bundle, StreamHeadCommitment commitment, EvidenceBundleVerifier.EventsSeen seen,
        Fail fail)
    {
        static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        var stream = new StreamKey(bundle.Stream.Type, bundle.Stream.Id);
        var failed = false;
        var head = StreamHeadProofs.Verify(bundle.StreamHead, stream, commitment, (check, expected, actual, message) =>
        {
            failed = true;
            fail(check, null, expected, actual, message, "$.stream_head");
        });
        if (failed)
            return;
        if (head is null)
        {
            // Absence proven: the stream had no events at the checkpoint.
            if (bundle.Events.Count > 0)
                fail("stream_head", null, "no events", $"{bundle.Events.Count} events", "the stream-head proof shows the stream had no events at the checkpoint", "$.events");
            if (!bundle.Stream.Complete)
                fail("stream_head", null, "complete true", "false", "a bundle proving a stream has no events is complete", "$.stream.complete");
            return;
        }
        if (seen.MaxStreamSeq > head.StreamSeq)
            fail("stream_head", null, $"stream_seq ≤ {N(head.StreamSeq)}", $"stream_seq {N(seen.MaxStreamSeq)}",
                "an event is beyond the stream's head at the checkpoint", "$.events");
        if (!bundle.Stream.Complete)
            return;
        if (bundle.Events.Count == 0)
        {
            fail("stream_head", null, $"events 1…{N(head.StreamSeq)}", "none", "a complete bundle of a stream with events holds them", "$.events");
            return;
        }
        if (seen.LastStreamSeq != head.StreamSeq || !seen.LastLeafHash.AsSpan().SequenceEqual(head.LeafHash))
            fail("stream_head", bundle.Events[^1].Seq, $"stream_seq {N(head.StreamSeq)}, leaf hash {HashHex.ToHex(head.LeafHash)}",
                $"stream_seq {N(seen.LastStreamSeq)}, leaf hash {HashHex.ToHex(seen.LastLeafHash)}",
                "the complete bundle's last event is not the stream's head at the checkpoint: events were left out", $"$.events[{bundle.Events.Count - 1}]");
    }
}

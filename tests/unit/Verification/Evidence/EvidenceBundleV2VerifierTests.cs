using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Verification.Evidence;

/// <summary>Format 2 bundles (docs/ledger-format.md §8.7): the stream-head proof and the signed note.</summary>
public sealed class EvidenceBundleV2VerifierTests
{
    [Theory]
    [InlineData("a", "1", 11)]
    [InlineData("b", "2", 11)]
    [InlineData("a", "1", 8)]
    [InlineData("c", "3", 11)] // no events: absence proven
    [InlineData("0", "0", 11)] // sorts before every stream
    [InlineData("a", "0", 1)]
    public void Verify_ExportedBundle_IsIntact(string type, string id, long size)
    {
        using var t = new TestBundles();
        var bundle = t.BundleV2(type, id, size);
        var report = EvidenceBundleV2Verifier.Verify(bundle, t.Signer.PublicKey);
        report.Findings.ShouldBeEmpty(string.Join("\n", report.Findings));
        report.CheckpointSize.ShouldBe(size);
    }

    public static TheoryData<string, string> Tampers => new()
    {
        { "last event dropped", "stream_head" },
        { "last two events dropped", "stream_head" },
        { "all events dropped", "stream_head" },
        { "absence claimed for a stream with events", "stream_head" },
        { "head of another stream", "stream_head" },
        { "head stream_seq lowered", "stream_head" },
        { "head index", "stream_head" },
        { "head count", "stream_head" },
        { "head proof element", "stream_head" },
        { "event dropped in the middle", "stream_seq" },
        { "note size changed", "checkpoint_signature" },
        { "note stream-heads changed", "checkpoint_signature" },
        { "ed25519 signature byte", "checkpoint_signature" },
        { "ecdsa line removed", "checkpoint_signature" },
        { "vkey of another key", "vkeys" },
        { "vkey key id", "vkeys" },
        { "format 1 checkpoint", "checkpoint" },
        { "format", "format" },
    };

    [Theory]
    [MemberData(nameof(Tampers))]
    public void Verify_TamperedBundle_ReportsTheCheck(string tamper, string expectedCheck)
    {
        using var t = new TestBundles();
        var bundle = Tamper(t, t.BundleV2(), tamper);
        var report = EvidenceBundleV2Verifier.Verify(bundle);
        report.Intact.ShouldBeFalse(tamper);
        report.Findings.Select(f => f.Check).ShouldContain(expectedCheck, tamper + ": " + string.Join("\n", report.Findings));
    }

    [Fact]
    public void Verify_AbsenceBundleWithAnEventAdded_Fails()
    {
        using var t = new TestBundles();
        var absent = t.BundleV2("c", "3");
        var withEvent = absent with { Events = [t.BundleV2().Events[0]] };
        EvidenceBundleV2Verifier.Verify(withEvent).Findings.Select(f => f.Check).ShouldContain("stream_head");
    }

    [Fact]
    public void Verify_SignedByAnotherKey_FailsWhenTheTrustedKeyIsPinned()
    {
        using var t = new TestBundles();
        using var other = CheckpointSigner.Generate();
        EvidenceBundleV2Verifier.Verify(t.BundleV2(), other.PublicKey).Findings.Select(f => f.Check).ShouldContain("trusted_key");
    }

    [Fact]
    public void EvidenceFile_ReadsBothFormats()
    {
        using var t = new TestBundles();
        EvidenceFile.Verify(System.Text.Json.JsonSerializer.Serialize(t.BundleV2()), t.Signer.PublicKey).Intact.ShouldBeTrue();
        EvidenceFile.Verify(System.Text.Json.JsonSerializer.Serialize(t.Bundle()), t.Signer.PublicKey).Intact.ShouldBeTrue();
    }

    [Fact]
    public void EvidenceFile_VerifyBundleV2_HandsBackTheBundleItChecked()
    {
        using var t = new TestBundles();
        var bundle = t.BundleV2();
        var report = EvidenceFile.VerifyBundleV2(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(bundle), t.Signer.PublicKey, out var read);
        report.Intact.ShouldBeTrue(string.Join("\n", report.Findings));
        read.ShouldNotBeNull();
        read.Events.Select(e => (e.Seq, e.Canonical, e.LeafHash, string.Join(",", e.InclusionProof)))
            .ShouldBe(bundle.Events.Select(e => (e.Seq, e.Canonical, e.LeafHash, string.Join(",", e.InclusionProof))));
        read.Checkpoint.Note.ShouldBe(bundle.Checkpoint.Note);

        // A tampered bundle is handed back with its findings (the caller refuses it); one that breaks a strict
        // reading rule is not handed back at all; another format is not a format 2 bundle.
        var tampered = EvidenceFile.VerifyBundleV2(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Tamper(t, bundle, "last event dropped")),
            t.Signer.PublicKey, out var tamperedRead);
        tampered.Findings.Select(f => f.Check).ShouldContain("stream_head");
        tamperedRead.ShouldNotBeNull();
        var repeated = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(bundle).Replace("\"format\":", "\"format\":\"x\",\"format\":", StringComparison.Ordinal));
        EvidenceFile.VerifyBundleV2(repeated, t.Signer.PublicKey, out var rejected).Findings.Select(f => f.Check).ShouldContain("duplicate_member");
        rejected.ShouldBeNull();
        Should.Throw<FormatException>(() => EvidenceFile.VerifyBundleV2(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(t.Bundle()), t.Signer.PublicKey, out _));
    }

    internal static EvidenceBundleV2 Tamper(TestBundles t, EvidenceBundleV2 b, string tamper)
    {
        var note = b.Checkpoint.Note;
        EvidenceBundleV2 WithNote(string n) => b with { Checkpoint = new EvidenceNote { Note = n } };
        switch (tamper)
        {
            case "last event dropped": return b with { Events = b.Events.SkipLast(1).ToArray() };
            case "last two events dropped": return b with { Events = b.Events.SkipLast(2).ToArray() };
            case "all events dropped": return b with { Events = [] };
            case "absence claimed for a stream with events":
                var neighbours = t.BundleV2("a", "1\0").StreamHead;
                return b with { Events = [], StreamHead = neighbours with { Left = t.BundleV2("a", "0").StreamHead.Right } };
            case "head of another stream": return b with { StreamHead = t.BundleV2("b", "2").StreamHead };
            case "head stream_seq lowered": return b with { StreamHead = b.StreamHead with { Head = b.StreamHead.Head! with { StreamSeq = b.StreamHead.Head.StreamSeq - 1 } } };
            case "head index": return b with { StreamHead = b.StreamHead with { Head = b.StreamHead.Head! with { Index = 1 - b.StreamHead.Head.Index } } };
            case "head count": return b with { StreamHead = b.StreamHead with { Count = b.StreamHead.Count + 1 } };
            case "head proof element": return b with { StreamHead = b.StreamHead with { Head = b.StreamHead.Head! with { Proof = [new string('0', 64)] } } };
            case "event dropped in the middle": return b with { Events = b.Events.Where((_, i) => i != 2).ToArray() };
            case "note size changed": return WithNote(note.Replace("\n11\n", "\n10\n", StringComparison.Ordinal));
            case "note stream-heads changed": return WithNote(note.Replace("stream-heads 2 ", "stream-heads 3 ", StringComparison.Ordinal));
            case "ed25519 signature byte":
                var parsed = SignedNote.Parse(note);
                var sig = (byte[])parsed.Signatures[1].Signature.Clone();
                sig[5] ^= 0x01;
                return WithNote((parsed with { Signatures = [parsed.Signatures[0], parsed.Signatures[1] with { Signature = sig }] }).ToString());
            case "ecdsa line removed":
                var p = SignedNote.Parse(note);
                return WithNote((p with { Signatures = [p.Signatures[1]] }).ToString());
            case "vkey of another key":
                using (var other = CheckpointSigner.Generate())
                    return b with { Vkeys = [b.Vkeys[0], other.VerifierKeys("ledger/test")[1].ToString()] };
            case "vkey key id": return b with { Vkeys = [b.Vkeys[0], b.Vkeys[1].Replace(b.Vkeys[1].Split('+')[1], "00000000", StringComparison.Ordinal)] };
            case "format 1 checkpoint":
                var v1 = t.Checkpoint(11);
                return WithNote(new SignedNote(v1.Checkpoint.ToText(), [new NoteSignature("ledger/test", t.Signer.PublicKey.NoteKey("ledger/test").KeyId, v1.Signature)]).ToString());
            case "format": return b with { Format = "auditportal-evidence/v3" };
            default: throw new ArgumentException(tamper);
        }
    }
}

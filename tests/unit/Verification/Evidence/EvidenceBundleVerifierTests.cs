using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Verification.Evidence;

public sealed class EvidenceBundleVerifierTests
{
    [Fact]
    public void Verify_ExportedBundle_IsIntact()
    {
        using var t = new TestBundles();
        var report = EvidenceBundleVerifier.Verify(t.Bundle(), t.Signer.PublicKey);
        report.Findings.ShouldBeEmpty();
        report.EventsChecked.ShouldBe(8);
        report.KeyPinned.ShouldBeTrue();
    }

    public static TheoryData<string, string> Tampers => new()
    {
        { "payload byte", "leaf_hash" },
        { "non-canonical whitespace", "canonical" },
        { "claimed leaf hash", "leaf_hash" },
        { "proof element", "inclusion_proof" },
        { "proof element removed", "inclusion_proof" },
        { "leaf index", "leaf_index" },
        { "event dropped", "stream_seq" },
        { "events reordered", "stream_seq" },
        { "checkpoint size", "checkpoint_signature" },
        { "signature byte", "checkpoint_signature" },
        { "key id", "key_id" },
        { "other stream's event", "stream" },
        { "format", "format" },
    };

    [Theory]
    [MemberData(nameof(Tampers))]
    public void Verify_TamperedBundle_ReportsTheCheck(string tamper, string expectedCheck)
    {
        using var t = new TestBundles();
        var bundle = Tamper(t, t.Bundle(), tamper);
        var report = EvidenceBundleVerifier.Verify(bundle);
        report.Intact.ShouldBeFalse(tamper);
        report.Findings.Select(f => f.Check).ShouldContain(expectedCheck, tamper);
    }

    [Fact]
    public void Verify_SignedByAnotherKey_FailsOnlyWhenTheTrustedKeyIsPinned()
    {
        using var t = new TestBundles();
        using var other = CheckpointSigner.Generate();
        EvidenceBundleVerifier.Verify(t.Bundle()).Intact.ShouldBeTrue();
        EvidenceBundleVerifier.Verify(t.Bundle(), other.PublicKey).Findings.Select(f => f.Check).ShouldContain("trusted_key");
    }

    internal static EvidenceBundle Tamper(TestBundles t, EvidenceBundle b, string tamper)
    {
        var events = b.Events.ToList();
        EvidenceEvent With(int i, Func<EvidenceEvent, EvidenceEvent> f) => events[i] = f(events[i]);
        switch (tamper)
        {
            case "payload byte": With(2, e => e with { Canonical = e.Canonical.Replace("\"n\":", "\"m\":", StringComparison.Ordinal) }); break;
            case "non-canonical whitespace": With(1, e => e with { Canonical = e.Canonical.Replace(",\"v\":1}", ", \"v\":1}", StringComparison.Ordinal) }); break;
            case "claimed leaf hash": With(0, e => e with { LeafHash = new string('a', 64) }); break;
            case "proof element": With(3, e => e with { InclusionProof = [new string('0', 64), .. e.InclusionProof.Skip(1)] }); break;
            case "proof element removed": With(3, e => e with { InclusionProof = e.InclusionProof.Skip(1).ToArray() }); break;
            case "leaf index": With(1, e => e with { LeafIndex = e.LeafIndex + 1 }); break;
            case "event dropped": events.RemoveAt(2); break;
            case "events reordered": (events[1], events[2]) = (events[2], events[1]); break;
            case "checkpoint size": return b with { Checkpoint = b.Checkpoint with { Text = b.Checkpoint.Text.Replace("size 11", "size 10", StringComparison.Ordinal) } };
            case "signature byte":
                var sig = Convert.FromBase64String(b.Checkpoint.Signature);
                sig[^1] ^= 0x01;
                return b with { Checkpoint = b.Checkpoint with { Signature = Convert.ToBase64String(sig) } };
            case "key id": return b with { KeyId = new string('0', 64) };
            case "other stream's event": events.Add(t.Bundle("b", "2").Events[0]); break;
            case "format": return b with { Format = "auditportal-evidence/v0" };
            default: throw new ArgumentException(tamper);
        }
        return b with { Events = events };
    }
}

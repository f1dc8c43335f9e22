using AuditPortal.Tests.Verification.Verifying;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Verification.StreamHeads;

public sealed class StreamHeadTreeTests
{
    // U+FF61 sorts after U+1F600 as UTF-16 code units but before it as UTF-8 bytes (ef… < f0…).
    private static readonly StreamKey[] Keys =
    [
        new("account", "a"), new("account", "b"), new("tax_form", "c"), new("account", "\uFF61"),
        new("account", "\U0001F600"), new("acc", "zz"), new("account", ""), new("instrument", "DE0005557508"),
    ];

    private static List<LedgerEvent> Chain(int count) => TestChain.Build(count, streamOf: seq => Keys[(int)((seq * 7 + seq / 3) % Keys.Length)]);

    [Fact]
    public void Commit_AfterEveryEvent_EqualsReferenceBuiltFromTheSpec()
    {
        var rows = Chain(60);
        var tree = new StreamHeadTree();
        tree.Commit().Matches(TestChain.StreamHeadsReference(rows, 0)).ShouldBeTrue();
        for (var size = 1; size <= rows.Count; size++)
        {
            var e = rows[size - 1];
            tree.Set(e.Stream, e.StreamSeq, e.Hash);
            if (size % 3 == 0 || size < 10)
                tree.Commit().Matches(TestChain.StreamHeadsReference(rows, size)).ShouldBeTrue($"size {size}");
        }
    }

    [Fact]
    public void Verify_Version2CheckpointsAtEverySize_Clean()
    {
        var rows = Chain(40);
        var signer = CheckpointSigner.Generate();
        var cps = Enumerable.Range(1, 40).Select(s => TestChain.CheckpointV2(signer, rows, s)).ToArray();

        var result = LedgerVerifier.Verify(rows, new LedgerVerifierOptions
        {
            Checkpoints = cps, PublicKey = signer.PublicKey, Ed25519PublicKey = signer.Ed25519!.PublicKey,
            Witness = cps.Select(TestChain.Witness).ToList(),
        });

        result.Findings.ShouldBeEmpty(string.Join("\n", result.Findings));
    }

    /// <summary>Each forged commitment is signed by the right key and has the right tree root: only the heads are wrong.</summary>
    [Theory]
    [InlineData("heads of the size before")]
    [InlineData("one stream left out")]
    [InlineData("count off by one")]
    [InlineData("a stream's head moved back")]
    public void Verify_CommitmentNotMatchingTheLedger_IsAFinding(string forgery)
    {
        var rows = Chain(30);
        var signer = CheckpointSigner.Generate();
        var honest = TestChain.StreamHeadsReference(rows, 20);
        var forged = forgery switch
        {
            "heads of the size before" => TestChain.StreamHeadsReference(rows, 19),
            "one stream left out" => TestChain.StreamHeadsReference(rows.Take(20).Where(e => e.Stream != rows[19].Stream).ToList(), 20),
            "count off by one" => honest with { Count = honest.Count + 1 },
            _ => TestChain.StreamHeadsReference(rows.Take(20).Where(e => e.Seq != 20).ToList(), 19),
        };
        forged.Matches(honest).ShouldBeFalse();
        var bad = signer.Sign(new Checkpoint("ledger/test", 20, TestChain.Root(rows, 20), TestChain.Epoch, forged));
        var good = TestChain.CheckpointV2(signer, rows, 30);

        var result = LedgerVerifier.Verify(rows, new LedgerVerifierOptions
        {
            Checkpoints = [bad, good], PublicKey = signer.PublicKey, Witness = [TestChain.Witness(bad), TestChain.Witness(good)],
        });

        result.Findings.Select(f => (f.Kind, f.Seq)).ShouldBe(
            [(FindingKind.StreamHeadsMismatch, (long?)20), (FindingKind.StreamHeadsMismatch, 20)], string.Join("\n", result.Findings));
    }

    [Fact]
    public void Verify_NoteWithForeignEd25519Signature_IsAFinding()
    {
        var rows = Chain(10);
        var signer = CheckpointSigner.Generate();
        var other = CheckpointSigner.Generate();
        var cp = TestChain.CheckpointV2(signer, rows, 10);
        var foreign = TestChain.CheckpointV2(other, rows, 10);
        // The note's Ed25519 line replaced by one from another key with the same key id: the signature must fail.
        var note = SignedNote.Parse(cp.Note!);
        var swapped = note with { Signatures = [note.Signatures[0], note.Signatures[1] with { Signature = SignedNote.Parse(foreign.Note!).Signatures[1].Signature }] };
        var tampered = cp with { Note = swapped.ToString() };

        var result = LedgerVerifier.Verify(rows, new LedgerVerifierOptions
        {
            Checkpoints = [tampered], PublicKey = signer.PublicKey, Ed25519PublicKey = signer.Ed25519!.PublicKey,
        });

        result.Findings.Select(f => f.Kind).ShouldBe([FindingKind.CheckpointSignatureInvalid]);
    }

    [Fact]
    public void Proofs_EveryStreamAndEveryGap_VerifyAndMutationsFail()
    {
        var rows = Chain(50);
        var tree = new StreamHeadTree();
        foreach (var e in rows)
            tree.Set(e.Stream, e.StreamSeq, e.Hash);
        var commitment = tree.Commit();
        var leaves = tree.Leaves();
        leaves.Count.ShouldBe(Keys.Length);

        foreach (var key in Keys)
        {
            var proof = StreamHeadProofs.Build(leaves, key);
            var failures = new List<string>();
            var head = StreamHeadProofs.Verify(proof, key, commitment, (_, _, _, m) => failures.Add(m));
            failures.ShouldBeEmpty();
            var last = rows.Last(e => e.Stream == key);
            head!.StreamSeq.ShouldBe(last.StreamSeq);
            head.LeafHash.ShouldBe(last.Hash);

            ShouldFail(proof with { Count = proof.Count + 1 }, key, commitment);
            ShouldFail(proof with { Head = proof.Head! with { StreamSeq = proof.Head.StreamSeq - 1 } }, key, commitment);
            ShouldFail(proof with { Head = proof.Head! with { Index = proof.Head.Index ^ 1 } }, key, commitment);
            // Another stream's valid head entry does not prove this stream's head.
            var otherKey = Keys.First(k => k != key);
            ShouldFail(StreamHeadProofs.Build(leaves, otherKey), key, commitment);
        }

        // Absent keys: before the first, between two, after the last; and a stream that exists claiming absence.
        foreach (var absent in new StreamKey[] { new("a", "x"), new("account", "aa"), new("zzz", "1") })
        {
            var proof = StreamHeadProofs.Build(leaves, absent);
            proof.Head.ShouldBeNull();
            var failures = new List<string>();
            StreamHeadProofs.Verify(proof, absent, commitment, (_, _, _, m) => failures.Add(m)).ShouldBeNull();
            failures.ShouldBeEmpty();
            if (proof.Right is { } right && right.Index + 1 < leaves.Count)
            {
                // Neighbours that are not adjacent (one leaf skipped) prove nothing.
                var skipped = StreamHeadProofs.Build(leaves, leaves[(int)right.Index + 1].Key).Head;
                ShouldFail(proof with { Right = skipped }, absent, commitment);
            }
        }
        // A stream that has events cannot claim absence with its own leaf as a neighbour.
        var present = Keys[2];
        var bracket = StreamHeadProofs.Build(leaves, new StreamKey(present.Type, present.Id + "\0"));
        ShouldFail(bracket with { Right = StreamHeadProofs.Build(leaves, present).Head }, present, commitment);
    }

    [Fact]
    public void Proofs_EmptyTree_ProvesAbsence()
    {
        var commitment = new StreamHeadTree().Commit();
        var proof = StreamHeadProofs.Build([], new StreamKey("account", "a"));
        var failures = new List<string>();
        StreamHeadProofs.Verify(proof, new StreamKey("account", "a"), commitment, (_, _, _, m) => failures.Add(m)).ShouldBeNull();
        failures.ShouldBeEmpty();
        proof.Count.ShouldBe(0);
    }

    private static void ShouldFail(EvidenceStreamHead proof, StreamKey key, StreamHeadCommitment commitment)
    {
        var failures = new List<string>();
        StreamHeadProofs.Verify(proof, key, commitment, (_, _, _, m) => failures.Add(m));
        failures.ShouldNotBeEmpty();
    }
}

using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Verification.Verifying;

/// <summary>One tampered ledger: the rows as a reader would deliver them, and exactly what must be found.</summary>
internal sealed record TamperScenario(
    string Name,
    IReadOnlyList<LedgerEvent> Rows,
    LedgerVerifierOptions Options,
    (FindingKind Kind, long Seq)[] Expected)
{
    /// <summary>
    /// The tamper is in the order rows are delivered, not in the stored rows: a reader that fetches
    /// seq ranges (as the parallel verifier does) cannot reproduce it across a range boundary.
    /// </summary>
    public bool DeliveryOrderOnly { get; init; }
}

internal static class TamperScenarios
{
    public const int Length = 40;

    private static readonly CheckpointSigner Signer = CheckpointSigner.Generate();
    private static readonly CheckpointSigner OtherSigner = CheckpointSigner.Generate();

    private static LedgerVerifierOptions Plain => new() { PublicKey = Signer.PublicKey };

    private static readonly Lazy<Dictionary<string, TamperScenario>> All = new(() => Create().ToDictionary(s => s.Name));

    public static TamperScenario Get(string name) => All.Value[name];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Value.Keys)
            data.Add(name);
        return data;
    }

    private static IEnumerable<TamperScenario> Create()
    {
        var clean = TestChain.Build(Length);
        var cps = new[] { 8L, 16, 32, 40 }.Select(s => TestChain.Checkpoint(Signer, clean, s)).ToArray();
        var withCommitments = Plain with { Checkpoints = cps, Witness = cps.Select(TestChain.Witness).ToArray() };

        yield return new("clean", clean, Plain, []);
        yield return new("clean with checkpoints and witness", clean, withCommitments, []);

        yield return new("modified payload", Replace(clean, 20, e => e with { PayloadJson = """{"amount":999,"currency":"EUR"}""" }),
            Plain, [(FindingKind.HashMismatch, 20)]);

        yield return new("modified payload under checkpoints",
            Replace(clean, 20, e => e with { PayloadJson = """{"amount":999,"currency":"EUR"}""" }), withCommitments,
            [(FindingKind.HashMismatch, 20), (FindingKind.CheckpointRootMismatch, 32), (FindingKind.WitnessMismatch, 32),
             (FindingKind.CheckpointRootMismatch, 40), (FindingKind.WitnessMismatch, 40)]);

        yield return new("modified actor", Replace(clean, 7, e => e with { Actor = "mallory" }), Plain,
            [(FindingKind.HashMismatch, 7)]);

        // Forged stored hash of 10; the successors' link columns are repaired to point at it, but
        // their own hashes are not recomputed (that would cascade through the whole ledger).
        var forged = Enumerable.Repeat((byte)0xab, 32).ToArray();
        var repaired = Replace(Replace(Replace(clean, 10, e => e with { Hash = forged }),
            11, e => e with { PrevHash = forged }), 13, e => e with { StreamPrevHash = forged });
        yield return new("modified stored hash with repaired successors", repaired, Plain,
            [(FindingKind.HashMismatch, 10), (FindingKind.HashMismatch, 11), (FindingKind.HashMismatch, 13)]);

        yield return new("deleted row", clean.Where(e => e.Seq != 15).ToList(), Plain,
            [(FindingKind.GlobalSequenceGap, 16), (FindingKind.StreamSequenceGap, 18)]);

        yield return new("deleted row under checkpoints", clean.Where(e => e.Seq != 15).ToList(), withCommitments,
            [(FindingKind.GlobalSequenceGap, 16), (FindingKind.CheckpointRootMismatch, 16), (FindingKind.WitnessMismatch, 16),
             (FindingKind.StreamSequenceGap, 18),
             (FindingKind.CheckpointRootMismatch, 32), (FindingKind.WitnessMismatch, 32),
             (FindingKind.CheckpointRootMismatch, 40), (FindingKind.WitnessMismatch, 40)]);

        yield return new("swapped seqs", Swap(clean, 20, 21), Plain,
            [(FindingKind.Reordered, 20), (FindingKind.GlobalSequenceGap, 21)]) { DeliveryOrderOnly = true };

        yield return new("duplicated row", clean.Take(12).Concat(clean.Skip(11)).ToList(), Plain,
            [(FindingKind.Duplicate, 12)]);

        yield return new("truncated head", clean.Take(35).ToList(), withCommitments,
            [(FindingKind.HeadTruncated, 40), (FindingKind.HeadTruncated, 40)]);

        // Truncated to 30 and reforged: rows 31..40 rewritten and consistently re-hashed; the forger
        // also deleted the checkpoint-table rows that committed to the old rows. Only the witness remembers.
        var reforged = TestChain.Build(Length, e => e.Seq > 30 ? e with { PayloadJson = """{"amount":0,"currency":"EUR"}""" } : e);
        yield return new("truncated and reforged head", reforged,
            Plain with { Checkpoints = cps[..2], Witness = cps.Select(TestChain.Witness).ToArray() },
            [(FindingKind.WitnessNotInLedger, 32), (FindingKind.WitnessMismatch, 32),
             (FindingKind.WitnessNotInLedger, 40), (FindingKind.WitnessMismatch, 40)]);

        yield return new("reforged head with reforged checkpoint table", reforged,
            Plain with
            {
                Checkpoints = [cps[0], cps[1], TestChain.Checkpoint(Signer, reforged, 32), TestChain.Checkpoint(Signer, reforged, 40)],
                Witness = cps.Select(TestChain.Witness).ToArray(),
            },
            [(FindingKind.WitnessMismatch, 32), (FindingKind.WitnessMismatch, 40)]);

        yield return new("checkpoint with bad signature", clean,
            Plain with { Checkpoints = [cps[0], TestChain.Checkpoint(OtherSigner, clean, 16)] },
            [(FindingKind.CheckpointSignatureInvalid, 16)]);

        var wrongRoot = Signer.Sign(cps[1].Checkpoint with { RootHash = TestChain.Root(clean, 15) });
        yield return new("checkpoint root not matching", clean, Plain with { Checkpoints = [cps[0], wrongRoot] },
            [(FindingKind.CheckpointRootMismatch, 16)]);

        yield return new("broken stream chain only",
            TestChain.Build(Length, e => e.Seq == 14 ? e with { StreamPrevHash = forged } : e), Plain,
            [(FindingKind.StreamChainBroken, 14)]);

        yield return new("broken global chain only",
            TestChain.Build(Length, e => e.Seq == 9 ? e with { PrevHash = forged } : e), Plain,
            [(FindingKind.GlobalChainBroken, 9)]);

        // Row 13 is stream a's fifth event; reusing the fourth's event_id (hashed in consistently).
        yield return new("duplicate event id in stream",
            TestChain.Build(Length, e => e.Seq == 13 ? e with { EventId = TestChain.Id(10) } : e), Plain,
            [(FindingKind.Duplicate, 13)]);

        yield return new("stream starts late",
            TestChain.Build(Length, e => e.Seq == 2 ? e with { StreamSeq = 2 } : e), Plain,
            [(FindingKind.StreamSequenceGap, 2)]);
    }

    private static List<LedgerEvent> Replace(IReadOnlyList<LedgerEvent> events, long seq, Func<LedgerEvent, LedgerEvent> change) =>
        events.Select(e => e.Seq == seq ? change(e) : e).ToList();

    private static List<LedgerEvent> Swap(IReadOnlyList<LedgerEvent> events, long a, long b)
    {
        var list = events.ToList();
        var i = list.FindIndex(e => e.Seq == a);
        var j = list.FindIndex(e => e.Seq == b);
        (list[i], list[j]) = (list[j], list[i]);
        return list;
    }
}

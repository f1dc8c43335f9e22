using AuditPortal.Data.Checkpoints;
using AuditPortal.Portal.Verification;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Portal.Verification;

public class CheckpointsViewTests
{
    private static readonly DateTime T = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);
    private static readonly CheckpointSigner Signer = CheckpointSigner.Generate();

    private static SignedCheckpoint Signed(long size, byte fill) =>
        Signer.Sign(new Checkpoint("ledger/test", size, Enumerable.Repeat(fill, 32).ToArray(), T));

    private static StoredCheckpoint Row(SignedCheckpoint s) =>
        new(s.Checkpoint.Size, s.Checkpoint.Origin, s.Checkpoint.RootHash, s.Checkpoint.Time, s.Checkpoint.ToText(), s.Signature, "test");

    [Fact]
    public void Build_TableAndWitnessAgree_NoProblems()
    {
        var cps = new[] { Signed(250, 1), Signed(500, 2) };

        var view = CheckpointsQuery.Build(cps.Select(Row).ToList(), 500, cps.Select(c => new WitnessEntry($"{c.Checkpoint.Size}.txt", c, null)).ToList(),
            Signer.PublicKey, null, []);

        view.Rows.ShouldAllBe(r => r.Problems.Count == 0 && r.TableSignatureValid == true && r.WitnessSignatureValid == true);
        view.LedgerProblems.ShouldBeEmpty();
    }

    [Fact]
    public void Build_TruncatedAndReforged_WitnessEntryMissingFromTableAndHeadBehind()
    {
        var table = new[] { Signed(250, 1) };
        var witness = new[] { Signed(250, 1), Signed(500, 2) };

        var view = CheckpointsQuery.Build(table.Select(Row).ToList(), 400, witness.Select(c => new WitnessEntry("w", c, null)).ToList(),
            Signer.PublicKey, null, []);

        var row500 = view.Rows.Single(r => r.Size == 500);
        row500.Problems.ShouldContain(p => p.Contains("the ledger's checkpoint table does not", StringComparison.Ordinal));
        row500.Problems.ShouldContain(p => p.Contains("behind the witness", StringComparison.Ordinal));
        view.LedgerProblems.ShouldContain(p => p.Contains("behind the witness (500)", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_WitnessRootDiffers_Flagged_AndFullPassFindingShownAtItsSize()
    {
        var table = new[] { Signed(250, 1) };
        var witness = new[] { Signed(250, 9) };
        var finding = new Finding(FindingKind.CheckpointRootMismatch, 250, null, null, "aa", "bb", "root differs");

        var view = CheckpointsQuery.Build(table.Select(Row).ToList(), 300, witness.Select(c => new WitnessEntry("w", c, null)).ToList(),
            Signer.PublicKey, null, [finding]);

        var problems = view.Rows.Single().Problems;
        problems.ShouldContain(p => p.Contains("history was rewritten", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("CheckpointRootMismatch", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ForgedSignature_Flagged()
    {
        var good = Signed(250, 1);
        var forged = new SignedCheckpoint(good.Checkpoint with { RootHash = Enumerable.Repeat((byte)7, 32).ToArray() }, good.Signature);

        var view = CheckpointsQuery.Build([Row(forged)], 300, null, Signer.PublicKey, null, []);

        view.Rows.Single().TableSignatureValid.ShouldBe(false);
        view.WitnessConfigured.ShouldBeFalse();
    }
}

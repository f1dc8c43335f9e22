using AuditPortal.Portal.Dashboard;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Portal;

public sealed class CheckpointSignatureMemoTests
{
    private static readonly Checkpoint Sample = new("ledger/demo", 1000,
        HashHex.Parse("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
        new DateTime(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc));

    [Fact]
    public void Verifies_SameCheckpointTwice_VerifiesOnce()
    {
        using var signer = CheckpointSigner.Generate();
        var memo = new CheckpointSignatureMemo();
        var signed = signer.Sign(Sample);

        memo.Verifies(signer.PublicKey, signed).ShouldBeTrue();
        memo.Verifies(signer.PublicKey, signer.Sign(Sample) with { Signature = (byte[])signed.Signature.Clone() }).ShouldBeTrue();
        memo.Verifications.ShouldBe(1);
    }

    [Fact]
    public void Verifies_AnyChangeAfterAValidCheck_IsVerifiedAfreshAndFails()
    {
        using var signer = CheckpointSigner.Generate();
        using var other = CheckpointSigner.Generate();
        var memo = new CheckpointSignatureMemo();
        var signed = signer.Sign(Sample);
        memo.Verifies(signer.PublicKey, signed).ShouldBeTrue();

        var flipped = (byte[])signed.Signature.Clone();
        flipped[^1] ^= 1;
        memo.Verifies(signer.PublicKey, signed with { Signature = flipped }).ShouldBeFalse();
        memo.Verifies(signer.PublicKey, signed).ShouldBeTrue();
        memo.Verifies(signer.PublicKey, signed with { Checkpoint = Sample with { Size = 1001 } }).ShouldBeFalse();
        memo.Verifies(other.PublicKey, signed).ShouldBeFalse();
        memo.Verifications.ShouldBe(5);
    }
}

using AuditPortal.Data.Checkpoints;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Tests.Data;

/// <summary>How every reader of <c>ledger.checkpoints</c> trusts a row (<see cref="CheckpointStore"/>): columns and signed text must agree.</summary>
public sealed class CheckpointRowTrustTests
{
    private static readonly CheckpointSigner Signer = CheckpointSigner.Generate();
    private static readonly DateTime T = new(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);

    private static StoredCheckpoint Row(Func<Checkpoint, Checkpoint>? columns = null, Func<string, string>? text = null)
    {
        var signed = Signer.Sign(new Checkpoint("ledger/test", 16, Enumerable.Repeat((byte)7, 32).ToArray(), T));
        var c = (columns ?? (x => x))(signed.Checkpoint);
        return new StoredCheckpoint(c.Size, c.Origin, c.RootHash, c.Time, (text ?? (x => x))(signed.Checkpoint.ToText()), signed.Signature, "k1");
    }

    [Fact]
    public void SoundRow_IsItsSignedCheckpoint()
    {
        var row = Row();

        row.Problem.ShouldBeNull();
        Signer.PublicKey.Verifies(row.Signed).ShouldBeTrue();
        row.ForVerifier.Signature.ShouldBe(row.Signature);
    }

    public static TheoryData<string, Func<Checkpoint, Checkpoint>?, Func<string, string>?> Tampered => new()
    {
        { "root column", c => c with { RootHash = Enumerable.Repeat((byte)8, 32).ToArray() }, null },
        { "time column", c => c with { Time = T.AddSeconds(1) }, null },
        { "origin column", c => c with { Origin = "ledger/other" }, null },
        { "text", null, t => t.Replace("size 16", "size 15", StringComparison.Ordinal) },
        { "unparsable text", null, _ => "not a checkpoint" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void TamperedRow_RefusedByProofReadersAndAnInvalidSignatureForTheVerifier(string what,
        Func<Checkpoint, Checkpoint>? columns, Func<string, string>? text)
    {
        var row = Row(columns, text);

        row.Problem.ShouldNotBeNull(what);
        Should.Throw<InvalidDataException>(() => row.Signed).Message.ShouldContain("size 16");
        Signer.PublicKey.Verifies(row.ForVerifier).ShouldBeFalse(what);
    }
}

using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Checkpoints;

public sealed class WitnessDirectoryTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-witness-");

    public void Dispose() => dir.Delete(recursive: true);

    private static Checkpoint At(long size, byte fill) =>
        new("ledger/test", size, Enumerable.Repeat(fill, 32).ToArray(), new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void Record_ThenReadAll_ReturnsEntriesOrderedBySize()
    {
        using var signer = CheckpointSigner.Generate();
        var witness = new WitnessDirectory(dir.FullName);
        witness.Record(signer.Sign(At(20, 2)));
        witness.Record(signer.Sign(At(3, 1)));

        var entries = witness.ReadAll();
        entries.Select(e => e.Signed!.Checkpoint.Size).ShouldBe([3L, 20L]);
        entries.ShouldAllBe(e => signer.PublicKey.Verifies(e.Signed!));
        File.Exists(Path.Combine(dir.FullName, "00000000000000000003.txt")).ShouldBeTrue();
    }

    [Fact]
    public void Record_DifferentCheckpointOfSameSize_IsRefusedAndKeepsTheFirst()
    {
        using var signer = CheckpointSigner.Generate();
        var witness = new WitnessDirectory(dir.FullName);
        witness.Record(signer.Sign(At(5, 1)));
        witness.Record(signer.Sign(At(5, 1))); // same text again: no-op

        Should.Throw<InvalidOperationException>(() => witness.Record(signer.Sign(At(5, 9))));
        HashHex.ToHex(witness.ReadAll().Single().Signed!.Checkpoint.RootHash).ShouldStartWith("0101");
    }

    [Fact]
    public void ReadAll_MalformedFile_IsReportedNotSkipped()
    {
        File.WriteAllText(Path.Combine(dir.FullName, "00000000000000000007.txt"), "garbage");
        var entry = new WitnessDirectory(dir.FullName).ReadAll().Single();
        entry.Signed.ShouldBeNull();
        entry.Error.ShouldNotBeNullOrEmpty();
    }
}

using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data;

public sealed class CheckpointCadenceTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string witnessPath = Path.Combine(Path.GetTempPath(), "ap-witness-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(witnessPath))
            Directory.Delete(witnessPath, recursive: true);
    }

    [Fact]
    public async Task AppendAsync_EveryKEventsAndEveryTSeconds_SignedCheckpointsInDatabaseAndWitness()
    {
        using var signer = CheckpointSigner.Generate();
        var clock = new FakeTimeProvider(LedgerTestData.Start);
        var witness = new WitnessDirectory(witnessPath);
        var options = new AppenderOptions
        {
            CheckpointEveryEvents = 1_000, CheckpointEverySeconds = 60, Origin = "ledger/test", Signer = signer, Witness = witness,
        };
        await using var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString), clock, options);
        // A second appender writing in between forces the first to catch its frontier up from the database.
        await using var other = new LedgerAppender(db.DataSource(db.WriterConnectionString), clock, options);

        for (var i = 0; i < 10; i++)
            await (i % 3 == 2 ? other : appender).AppendAsync(Batch(i * 250, 250));   // 2,500 events: due at 1,000 and 2,000
        clock.Advance(TimeSpan.FromSeconds(59));
        await appender.AppendAsync(Batch(2_500, 10));                                   // not due: 510 events, 59 s
        clock.Advance(TimeSpan.FromSeconds(1));
        await appender.AppendAsync(Batch(2_510, 5));                                    // due by time: 60 s
        clock.Advance(TimeSpan.FromSeconds(120));
        await appender.AppendAsync([]);                                                 // nothing new: no checkpoint
        var manual = await appender.CreateCheckpointAsync();
        var again = await appender.CreateCheckpointAsync();

        var stored = await new CheckpointStore(db.DataSource(db.ReaderConnectionString)).ReadRowsAsync();
        stored.Select(s => s.Signed.Checkpoint.Size).ShouldBe([1_000L, 2_000L, 2_515L]);
        manual!.Checkpoint.Size.ShouldBe(2_515);
        again!.Signature.ShouldBe(manual.Signature);

        var leaves = (await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString)).Select(r => r.Hash!).ToList();
        var witnessed = witness.ReadAll();
        witnessed.Count.ShouldBe(stored.Count);
        for (var i = 0; i < stored.Count; i++)
        {
            var (signed, keyId) = (stored[i].Signed, stored[i].KeyId);
            signer.PublicKey.Verifies(signed).ShouldBeTrue();
            keyId.ShouldBe(signer.PublicKey.KeyId);
            signed.Checkpoint.Origin.ShouldBe("ledger/test");
            HashHex.ToHex(signed.Checkpoint.RootHash).ShouldBe(HashHex.ToHex(LedgerTestData.ReferenceRoot(leaves, 0, (int)signed.Checkpoint.Size)));
            witnessed[i].Error.ShouldBeNull();
            witnessed[i].Signed!.Checkpoint.ToText().ShouldBe(signed.Checkpoint.ToText());
            witnessed[i].Signed!.Signature.ShouldBe(signed.Signature);
            File.ReadAllBytes(Path.Combine(witnessPath, WitnessDirectory.FileStem(signed.Checkpoint.Size) + ".txt"))
                .ShouldBe(signed.Checkpoint.ToBytes());
        }
        stored[2].Signed.Checkpoint.Time.ShouldBe(LedgerTestData.Start.UtcDateTime.AddSeconds(60));
    }

    [Fact]
    public async Task CreateCheckpointAsync_WithoutSigner_Throws()
    {
        await using var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString),
            new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions());

        await Should.ThrowAsync<InvalidOperationException>(() => appender.CreateCheckpointAsync());
    }

    private static List<NewEvent> Batch(int from, int count) =>
        Enumerable.Range(from, count).Select(n => LedgerTestData.Event("cp-" + (n % 4).ToString(System.Globalization.CultureInfo.InvariantCulture), n)).ToList();
}

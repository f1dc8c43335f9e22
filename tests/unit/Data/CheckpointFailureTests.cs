using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Appending;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Tests.Data;

public sealed class CheckpointFailureTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string witnessPath = Path.Combine(Path.GetTempPath(), "ap-witness-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(witnessPath))
            Directory.Delete(witnessPath, recursive: true);
    }

    [Fact]
    public async Task AppendAsync_WitnessRefusesCheckpoint_EventsCommittedCheckpointRolledBackAndRetried()
    {
        using var signer = CheckpointSigner.Generate();
        var witness = new WitnessDirectory(witnessPath);
        // A different checkpoint of size 10 already in the witness: recording ours must fail.
        witness.Record(signer.Sign(new Checkpoint("ledger/test", 10, new byte[32], LedgerTestData.Start.UtcDateTime)));
        await using var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString), new FakeTimeProvider(LedgerTestData.Start),
            new AppenderOptions { CheckpointEveryEvents = 10, Origin = "ledger/test", Signer = signer, Witness = witness });
        var batch = Enumerable.Range(0, 10).Select(n => LedgerTestData.Event("fail-1", n)).ToList();

        var ex = await Should.ThrowAsync<CheckpointFailedException>(() => appender.AppendAsync(batch));

        ex.Appended.Count.ShouldBe(10);
        ex.InnerException.ShouldBeOfType<InvalidOperationException>();
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events")).ShouldBe(10);
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.checkpoints")).ShouldBe(0);

        await appender.AppendAsync([LedgerTestData.Event("fail-1", 10)]);
        (await db.ScalarAsync<long>("SELECT max(size) FROM ledger.checkpoints")).ShouldBe(11);
    }
}

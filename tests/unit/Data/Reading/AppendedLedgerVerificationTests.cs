using AuditPortal.Data.Appending;
using AuditPortal.Data.Reading;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Data.Reading;

/// <summary>
/// The verifier against a ledger written by the real appender (checkpoints every 10 events, a
/// witness directory), then truncated and reforged by a superuser with an appender of their own.
/// </summary>
public sealed class AppendedLedgerVerificationTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string witnessPath = Path.Combine(Path.GetTempPath(), "verifier-appended-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AppendedLedger_CleanThenTruncatedAndReforged_WitnessCatchesIt()
    {
        using var signer = CheckpointSigner.Generate();
        var witness = new WitnessDirectory(witnessPath);
        await using (var appender = new LedgerAppender(db.WriterConnectionString, TimeProvider.System,
                         new AppenderOptions { Signer = signer, Witness = witness, CheckpointEveryEvents = 10 }))
        {
            for (var i = 0; i < 3; i++)
                await appender.AppendAsync(Enumerable.Range(i * 10, 10).Select(n => LedgerTestData.Event($"acct-{n % 4}", n)).ToList());
        }
        var runner = new LedgerVerificationRunner(db.DataSource(db.ReaderConnectionString), signer.PublicKey, witness);

        var clean = await runner.RunAsync(new VerificationRequest(), null, CancellationToken.None);
        var cleanParallel = await runner.RunAsync(new VerificationRequest(Parallelism: 2), null, CancellationToken.None);

        clean.Rows.ShouldBe(30);
        clean.Findings.ShouldBeEmpty(string.Join("\n", clean.Findings));
        cleanParallel.Findings.ShouldBeEmpty();
        cleanParallel.Root.ShouldBe(clean.Root);
        witness.ReadAll().Select(w => w.Signed!.Checkpoint.Size).ShouldBe([10L, 20, 30]);

        // The forger drops the last ten events and their checkpoint, then appends ten of their own
        // through a correctly chaining appender that has no access to the witness.
        await db.ExecuteAsync("""
            ALTER TABLE ledger.events DISABLE TRIGGER ALL;
            ALTER TABLE ledger.checkpoints DISABLE TRIGGER ALL;
            DELETE FROM ledger.events WHERE seq > 20;
            DELETE FROM ledger.checkpoints WHERE size > 20;
            ALTER TABLE ledger.events ENABLE TRIGGER ALL;
            ALTER TABLE ledger.checkpoints ENABLE TRIGGER ALL;
            """);
        await using (var forger = new LedgerAppender(db.WriterConnectionString, TimeProvider.System, new AppenderOptions()))
            await forger.AppendAsync(Enumerable.Range(100, 10).Select(n => LedgerTestData.Event($"acct-{n % 4}", n)).ToList());

        foreach (var parallelism in new[] { 1, 2 })
        {
            var forged = await runner.RunAsync(new VerificationRequest(Parallelism: parallelism), null, CancellationToken.None);
            // The stream heads are rebuilt too: the forged events moved them. A parallel range starts from the heads
            // stored before it (docs/verification.md, "What a partial run proves"), so both runs find it.
            (FindingKind, long?)[] expected =
                [(FindingKind.WitnessNotInLedger, 30), (FindingKind.WitnessMismatch, 30), (FindingKind.StreamHeadsMismatch, 30)];
            forged.Findings.Select(f => (f.Kind, f.Seq)).ShouldBe(expected, string.Join("\n", forged.Findings));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(witnessPath))
            Directory.Delete(witnessPath, recursive: true);
    }
}

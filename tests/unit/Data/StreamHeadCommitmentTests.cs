using AuditPortal.Data.Appending;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Reading;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Data;

/// <summary>
/// Stream-head commitments written by the real appender (normal and bulk paths) and by the upgrade of a ledger that
/// only has format 1 checkpoints, checked against the heads recomputed from the rows.
/// </summary>
public sealed class StreamHeadCommitmentTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string witnessPath = Path.Combine(Path.GetTempPath(), "ap-heads-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(witnessPath))
            Directory.Delete(witnessPath, recursive: true);
    }

    [Fact]
    public async Task ExistingLedger_Format1ThenUpgraded_NewCheckpointCommitsToTheHeadsAndBothVerify()
    {
        using var signer = CheckpointSigner.Generate();
        // Before the upgrade: the ECDSA key only, so format 1 checkpoints.
        using var oldSigner = CheckpointSigner.FromPem(signer.ExportPrivateKeyPem());
        var witness = new WitnessDirectory(witnessPath);
        await using (var before = new LedgerAppender(db.WriterConnectionString, TimeProvider.System,
                         new AppenderOptions { Origin = "ledger/test", Signer = oldSigner, Witness = witness, CheckpointEveryEvents = 40 }))
        {
            for (var i = 0; i < 4; i++)
                await before.AppendAsync(Enumerable.Range(i * 25, 25).Select(n => LedgerTestData.Event($"acct-{n % 7}", n)).ToList());
        }
        // After: a new process (an empty in-memory tree) signs format 2, computing the heads from the ledger.
        await using (var after = new LedgerAppender(db.WriterConnectionString, TimeProvider.System,
                         new AppenderOptions { Origin = "ledger/test", Signer = signer, Witness = witness, CheckpointEveryEvents = 40 }))
        {
            await after.AppendAsync(Enumerable.Range(100, 30).Select(n => LedgerTestData.Event($"acct-{n % 9}", n)).ToList());
            (await after.CreateCheckpointAsync())!.Checkpoint.Size.ShouldBe(130);
        }

        // Another new process continues from the format 2 checkpoint's stored frontier and an index scan of the heads:
        // it reads only the rows after that checkpoint.
        await using (var next = new LedgerAppender(db.WriterConnectionString, TimeProvider.System,
                         new AppenderOptions { Origin = "ledger/test", Signer = signer, Witness = witness, CheckpointEveryEvents = 1000 }))
        {
            await next.AppendAsync(Enumerable.Range(200, 7).Select(n => LedgerTestData.Event($"acct-{n % 11}", n)).ToList());
            (await next.CreateCheckpointAsync())!.Checkpoint.Size.ShouldBe(137);
            next.RowsCaughtUp.ShouldBe(7);
        }

        var stored = await new CheckpointStore(db.DataSource(db.ReaderConnectionString)).ReadAllAsync();
        stored.Select(s => (s.Checkpoint.Size, s.Checkpoint.Version)).ShouldBe([(50L, 1), (100L, 1), (130L, 2), (137L, 2)]);
        var rows = await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString);
        foreach (var signed in stored.Where(s => s.Checkpoint.Version == 2))
            signed.Checkpoint.StreamHeads!.Matches(Reference(rows, signed.Checkpoint.Size)).ShouldBeTrue();
        witness.ReadAll().Count(w => w.Signed!.Note is not null).ShouldBe(2);

        var runner = new LedgerVerificationRunner(db.DataSource(db.ReaderConnectionString), signer.PublicKey, witness)
        {
            Ed25519PublicKey = signer.Ed25519!.PublicKey,
        };
        var result = await runner.RunAsync(new VerificationRequest(), null, CancellationToken.None);
        result.Findings.ShouldBeEmpty(string.Join("\n", result.Findings));

        // The export proves each stream's head at the latest checkpoint.
        var service = new ProofService(db.DataSource(db.ReaderConnectionString), signer.PublicKey, TimeProvider.System)
        {
            Ed25519PublicKey = signer.Ed25519.PublicKey,
        };
        var bundle = await service.StreamBundleAsync(new StreamKey("account", "acct-3"), "tester");
        EvidenceBundleV2Verifier.Verify(bundle, signer.PublicKey).Findings.ShouldBeEmpty();
        bundle.Vkeys.Count.ShouldBe(2);

        // A forged commitment in the table (right root, right key, wrong heads) is a finding of the verifier.
        var forged = signer.Sign(stored[^1].Checkpoint with { StreamHeads = Reference(rows, 136) });
        var withForged = LedgerVerifier.Verify(rows, new LedgerVerifierOptions
        {
            Checkpoints = [.. stored.SkipLast(1), forged], PublicKey = signer.PublicKey,
        });
        withForged.Findings.Select(f => (f.Kind, f.Seq)).ShouldBe([(FindingKind.StreamHeadsMismatch, (long?)137)]);
    }

    /// <summary>The heads recomputed from the rows with the tree code the verifier uses.</summary>
    internal static StreamHeadCommitment Reference(IReadOnlyList<LedgerEvent> rows, long size)
    {
        var tree = new StreamHeadTree();
        foreach (var e in rows.Take((int)size))
            tree.Set(e.Stream, e.StreamSeq, EventRecord.LeafHash(e));
        return tree.Commit();
    }
}

/// <summary>The bulk path (seeding) commits to the heads of each checkpoint's size although later batches are planned already.</summary>
public sealed class BulkLoadStreamHeadTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task BulkLoad_CheckpointsCarryTheHeadsOfTheirSize()
    {
        using var signer = CheckpointSigner.Generate();
        await using (var bulk = new LedgerAppender(db.WriterConnectionString, TimeProvider.System,
                         new AppenderOptions { Origin = "ledger/test", Signer = signer, CheckpointEveryEvents = 100, BulkLoad = true }))
        {
            // Batches are handed in without waiting, so later batches are planned while earlier ones are written.
            var tasks = Enumerable.Range(0, 12).Select(b => bulk.AppendAsync(
                Enumerable.Range(b * 50, 50).Select(n => LedgerTestData.Event($"acct-{n % 13}", n)).ToList())).ToList();
            await Task.WhenAll(tasks);
            await bulk.CreateCheckpointAsync();
        }
        var stored = await new CheckpointStore(db.DataSource(db.ReaderConnectionString)).ReadAllAsync();
        stored.Count.ShouldBeGreaterThan(1);
        stored[^1].Checkpoint.Size.ShouldBe(600);
        var rows = await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString);
        foreach (var signed in stored)
            signed.Checkpoint.StreamHeads!.Matches(StreamHeadCommitmentTests.Reference(rows, signed.Checkpoint.Size)).ShouldBeTrue($"size {signed.Checkpoint.Size}");
    }
}

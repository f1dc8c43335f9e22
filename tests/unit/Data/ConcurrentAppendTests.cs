using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using Xunit.Abstractions;

namespace AuditPortal.Tests.Data;

public sealed class ConcurrentAppendTests(PostgresFixture db, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string witnessPath = Path.Combine(Path.GetTempPath(), "ap-witness-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(witnessPath))
            Directory.Delete(witnessPath, recursive: true);
    }

    [Fact]
    public async Task AppendAsync_EightWritersTimesFiveThousand_SequencesDenseAndChainsLinked()
    {
        const int writers = 8;
        const int perWriter = 5_000;
        int[] batchSizes = [1, 7, 64, 250, 500, 1_000, 178];
        using var signer = CheckpointSigner.Generate();
        var witness = new WitnessDirectory(witnessPath);
        var clock = new FakeTimeProvider(LedgerTestData.Start);

        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var dataSource = db.DataSource(db.WriterConnectionString);
            await using var appender = new LedgerAppender(dataSource, clock,
                new AppenderOptions { CheckpointEveryEvents = 7_000, Signer = signer, Witness = witness });
            var n = 0;
            var b = w;
            while (n < perWriter)
            {
                var size = Math.Min(batchSizes[b++ % batchSizes.Length], perWriter - n);
                var batch = new List<NewEvent>(size);
                for (var i = 0; i < size; i++, n++)
                {
                    // Four streams shared by all writers, plus one private stream per writer.
                    var stream = n % 3 == 0
                        ? "w" + w.ToString(CultureInfo.InvariantCulture)
                        : "shared-" + (n % 6).ToString(CultureInfo.InvariantCulture);
                    batch.Add(LedgerTestData.Event(stream, n));
                }
                var results = await appender.AppendAsync(batch);
                results.Count.ShouldBe(size);
                results.ShouldAllBe(r => !r.AlreadyPresent);
            }
        })));
        stopwatch.Stop();
        var rate = writers * perWriter / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{writers} writers x {perWriter} events: {stopwatch.Elapsed.TotalSeconds:F2} s, {rate:F0} events/s"));

        var rows = await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString);
        rows.Count.ShouldBe(writers * perWriter);
        LedgerTestData.AssertChainsIntact(rows);
        rows.GroupBy(r => r.StreamId).Count().ShouldBe(4 + writers);

        // Checkpoints made by racing appenders all commit to the true tree head at their size.
        var checkpoints = await new CheckpointStore(db.DataSource(db.ReaderConnectionString)).ReadAllAsync();
        checkpoints.Count.ShouldBeGreaterThanOrEqualTo(3); // ≥ 7,000 apart, and a racing writer may push the head further before one is cut
        var leaves = rows.Select(r => r.Hash!).ToList();
        foreach (var c in checkpoints)
        {
            signer.PublicKey.Verifies(c).ShouldBeTrue();
            HashHex.ToHex(c.Checkpoint.RootHash).ShouldBe(
                HashHex.ToHex(LedgerTestData.ReferenceRoot(leaves, 0, (int)c.Checkpoint.Size)), $"root at size {c.Checkpoint.Size}");
        }
        for (var i = 1; i < checkpoints.Count; i++)
            (checkpoints[i].Checkpoint.Size - checkpoints[i - 1].Checkpoint.Size).ShouldBeGreaterThanOrEqualTo(7_000);
        witness.ReadAll().Count.ShouldBe(checkpoints.Count);
    }
}

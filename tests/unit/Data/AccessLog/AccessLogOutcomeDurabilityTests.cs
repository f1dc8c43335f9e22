using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Tests.Data.AccessLog;

/// <summary>
/// Outcome-only batches are committed <see cref="AppendDurability.Deferred"/>, request batches flushed,
/// and a checkpoint after a deferred batch still covers a flushed, gap-free chain (docs/access-log.md).
/// </summary>
public sealed class AccessLogOutcomeDurabilityTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>, IAsyncLifetime
{
    private readonly string witnessPath = Path.Combine(Path.GetTempPath(), "ap-al-durability-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => AccessLogTestData.EmptyAsync(db);

    public Task DisposeAsync()
    {
        if (Directory.Exists(witnessPath))
            Directory.Delete(witnessPath, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Append_RequestBatchFlushed_OutcomeOnlyBatchDeferred_ChainIntact()
    {
        await using var writer = AccessLogTestData.Writer(db);
        var entry = AccessLogTestData.Entry(1);

        var request = await writer.AppendAsync(entry);
        writer.DeferredBatchesCommitted.ShouldBe(0, "a request entry must be flushed before its query runs");
        await writer.AppendCompletionAsync(AccessLogTestData.Completed(entry, request));
        writer.DeferredBatchesCommitted.ShouldBe(1, "a batch of outcomes only is committed without waiting for the flush");
        writer.BatchesCommitted.ShouldBe(2);

        var rows = await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString);
        rows.Select(r => r.Action).ShouldBe(["query.requested", "query.completed"]);
        LedgerTestData.AssertChainsIntact(rows);
    }

    [Fact]
    public async Task Append_CheckpointDueAfterOutcomeBatch_CheckpointCoversTheOutcomeAndIsWitnessed()
    {
        using var signer = CheckpointSigner.Generate();
        var witness = new WitnessDirectory(witnessPath);
        await using (var writer = AccessLogTestData.Writer(db, new AccessLogWriterOptions { CheckpointEveryEvents = 2, Signer = signer, Witness = witness }))
        {
            var entry = AccessLogTestData.Entry(1);
            var request = await writer.AppendAsync(entry);
            await writer.AppendCompletionAsync(AccessLogTestData.Completed(entry, request));
            writer.CheckpointFailures.ShouldBe(0, writer.LastCheckpointError?.ToString());
        }

        var witnessed = witness.ReadAll();
        witnessed.Count.ShouldBe(1);
        var signed = witnessed[0].Signed.ShouldNotBeNull(witnessed[0].Error);
        signed.Checkpoint.Size.ShouldBe(2, "the checkpoint names the head including the outcome entry");
        signer.PublicKey.Verifies(signed).ShouldBeTrue();
    }
}

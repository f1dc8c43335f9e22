using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Schema;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Tests.Data;

/// <summary>
/// The seed's bulk-load path: the stream-position constraint is dropped, the appender keeps the stream
/// heads in memory, and restoring the constraint checks every row.
/// </summary>
public sealed class BulkLoadAppendTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task BulkAppend_StreamsSpanningBatches_ChainsIntactAndConstraintRestored()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using (var appender = BulkAppender(writer))
            {
                // Three streams interleaved over four batches, so every stream continues a head kept in memory.
                for (var b = 0; b < 4; b++)
                {
                    var batch = Enumerable.Range(0, 30)
                        .Select(i => LedgerTestData.Event("bulk-" + (i % 3), b * 30 + i, idempotencyKey: $"bulk-key-{b}-{i}"))
                        .ToList();
                    var results = await appender.AppendAsync(batch);
                    results[^1].Seq.ShouldBe((b + 1) * 30);
                }
            }
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);

            var rows = await LedgerTestData.ReadAllAsync(superuser);
            rows.Count.ShouldBe(120);
            LedgerTestData.AssertChainsIntact(rows);
            rows.Where(r => r.StreamId == "bulk-2").Max(r => r.StreamSeq).ShouldBe(40);
        });
    }

    [Fact]
    public async Task BulkAppend_AnotherWriterAppendedMeanwhile_StopsAndAppendsNothing()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using var bulk = BulkAppender(writer);
            await bulk.AppendAsync([LedgerTestData.Event("shared", 1)]);
            await using (var other = new LedgerAppender(writer, new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions()))
                await other.AppendAsync([LedgerTestData.Event("shared", 2)]);

            var error = await Should.ThrowAsync<InvalidOperationException>(() => bulk.AppendAsync([LedgerTestData.Event("shared", 3)]));

            error.Message.ShouldContain("another writer appended during the load");
            error.Message.ShouldContain("seq 2");
            var rows = await LedgerTestData.ReadAllAsync(superuser);
            rows.Count.ShouldBe(2);
            LedgerTestData.AssertChainsIntact(rows);
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);
        });
    }

    [Fact]
    public async Task Restore_DuplicateStreamPosition_FailsNamingIt()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using (var bulk = BulkAppender(writer))
                await bulk.AppendAsync([LedgerTestData.Event("dup", 1), LedgerTestData.Event("dup", 2)]);
            // What the constraint exists to catch: a second row at stream position 2 (as the superuser,
            // the only role that can write a row by hand).
            await ExecuteAsync(superuser, """
                INSERT INTO ledger.events SELECT seq + 10, gen_random_uuid(), stream_type, stream_id, stream_seq, occurred_at, recorded_at,
                  actor, action, client_address, schema_version, payload, supersedes, lineage_inputs, rule_id, rule_version, NULL,
                  prev_hash, stream_prev_hash, hash FROM ledger.events WHERE seq = 2
                """);

            var error = await Should.ThrowAsync<InvalidOperationException>(() => LedgerBulkLoad.RestoreAsync(superuser));

            error.Message.ShouldContain("same stream position");
            error.Message.ShouldContain("(account, dup, 2)");
        });
    }

    [Fact]
    public async Task BulkAppend_IdempotencyKeyOfAnEarlierBatch_ReturnsTheFirstEventAndAppendsNothing()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using (var appender = BulkAppender(writer))
            {
                var first = await appender.AppendAsync([LedgerTestData.Event("idem", 1, idempotencyKey: "k-1"), LedgerTestData.Event("idem", 2)]);
                // Its unique index is dropped: the appender knows the key from memory and reads the row by it.
                var again = await appender.AppendAsync([LedgerTestData.Event("idem", 3, idempotencyKey: "k-1"), LedgerTestData.Event("idem", 4, idempotencyKey: "k-2")]);

                again[0].ShouldBe(first[0] with { AlreadyPresent = true });
                again[1].AlreadyPresent.ShouldBeFalse();
                again[1].Seq.ShouldBe(3);
            }
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);
            var rows = await LedgerTestData.ReadAllAsync(superuser);
            rows.Select(r => r.IdempotencyKey).ShouldBe(["k-1", null, "k-2"]);
            LedgerTestData.AssertChainsIntact(rows);
        });
    }

    [Fact]
    public async Task BulkAppend_ReferencesToEarlierBatches_CheckedFromMemory()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using var appender = BulkAppender(writer);
            var first = await appender.AppendAsync([LedgerTestData.Event("refs", 1)]);
            var corrected = LedgerTestData.Event("refs", 2) with { Supersedes = first[0].EventId };
            var derived = LedgerTestData.Event("refs", 3) with { Lineage = new([first[0].EventId], "rule", "1") };
            await appender.AppendAsync([corrected, derived]);

            var unknown = Guid.CreateVersion7();
            var dangling = await Should.ThrowAsync<ArgumentException>(() =>
                appender.AppendAsync([LedgerTestData.Event("refs", 4) with { Supersedes = unknown }]));
            dangling.Message.ShouldContain($"supersedes {unknown}");
            var reused = await Should.ThrowAsync<ArgumentException>(() =>
                appender.AppendAsync([LedgerTestData.Event("refs", 5) with { EventId = first[0].EventId }]));
            reused.Message.ShouldContain("already in the ledger");

            (await LedgerTestData.ReadAllAsync(superuser)).Count.ShouldBe(3);
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);
        });
    }

    [Fact]
    public async Task BulkAppend_BatchesHandedInWithoutWaiting_WrittenInCallOrder()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using (var appender = BulkAppender(writer))
            {
                // Later batches supersede events of earlier ones, so any reordering would be refused.
                var inFlight = new List<Task<IReadOnlyList<AppendedEvent>>>();
                NewEvent? previous = null;
                for (var b = 0; b < 6; b++)
                {
                    var batch = Enumerable.Range(0, 40).Select(i => LedgerTestData.Event("order-" + (i % 4), b * 40 + i) with { EventId = Guid.CreateVersion7() }).ToList();
                    if (previous is not null)
                        batch[0] = batch[0] with { Supersedes = previous.EventId };
                    previous = batch[^1];
                    inFlight.Add(appender.AppendAsync(batch));
                }
                var results = await Task.WhenAll(inFlight);
                results.Select(r => r[^1].Seq).ShouldBe([40L, 80, 120, 160, 200, 240]);
            }
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);
            var rows = await LedgerTestData.ReadAllAsync(superuser);
            rows.Count.ShouldBe(240);
            LedgerTestData.AssertChainsIntact(rows);
        });
    }

    [Fact]
    public async Task BulkAppend_BatchInFlightBehindAFailedOne_FailsAndAppendsNothing()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using var appender = BulkAppender(writer);
            var failing = appender.AppendAsync([LedgerTestData.Event("fail", 1) with { Supersedes = Guid.CreateVersion7() }]);
            var behind = appender.AppendAsync([LedgerTestData.Event("fail", 2)]);

            await Should.ThrowAsync<ArgumentException>(() => failing);
            (await Should.ThrowAsync<InvalidOperationException>(() => behind)).Message.ShouldContain("an earlier batch failed");
            (await LedgerTestData.ReadAllAsync(superuser)).Count.ShouldBe(0);

            // Handed in after the failure was seen: appended normally.
            (await appender.AppendAsync([LedgerTestData.Event("fail", 3)]))[0].Seq.ShouldBe(1);
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);
        });
    }

    [Fact]
    public async Task Restore_DuplicateEventId_FailsNamingIt()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using (var bulk = BulkAppender(writer))
                await bulk.AppendAsync([LedgerTestData.Event("dupid", 1), LedgerTestData.Event("dupid", 2)]);
            await ExecuteAsync(superuser, """
                INSERT INTO ledger.events SELECT seq + 10, event_id, stream_type, stream_id || '-copy', stream_seq, occurred_at, recorded_at,
                  actor, action, client_address, schema_version, payload, supersedes, lineage_inputs, rule_id, rule_version, NULL,
                  prev_hash, stream_prev_hash, hash FROM ledger.events WHERE seq = 2
                """);
            var id = await ScalarAsync(superuser, "SELECT event_id::text FROM ledger.events WHERE seq = 2");

            var error = await Should.ThrowAsync<InvalidOperationException>(() => LedgerBulkLoad.RestoreAsync(superuser));

            error.Message.ShouldContain("same event id");
            error.Message.ShouldContain($"({id})");
        });
    }

    [Fact]
    public async Task BulkAppend_FailedWriteAfterLaterBatchesWerePlanned_StopsTheLoad()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using var bulk = BulkAppender(writer);
            await bulk.AppendAsync([LedgerTestData.Event("stop", 1)]);
            await using (var other = new LedgerAppender(writer, new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions()))
                await other.AppendAsync([LedgerTestData.Event("stop", 2)]);
            // Planned from the load's own head (seq 1), refused when written (the ledger is at seq 2).
            await Should.ThrowAsync<InvalidOperationException>(() => bulk.AppendAsync([LedgerTestData.Event("stop", 3)]));

            // Its in-memory heads are now ahead of the ledger: nothing more from this load.
            var later = await Should.ThrowAsync<InvalidOperationException>(() => bulk.AppendAsync([LedgerTestData.Event("stop", 4)]));

            later.Message.ShouldContain("start a new load");
            (await LedgerTestData.ReadAllAsync(superuser)).Count.ShouldBe(2);
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);
        });
    }

    [Fact]
    public async Task BulkAppend_KeyOfABatchStillBeingWritten_WaitsForItAndReturnsItsEvent()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            await using (var appender = BulkAppender(writer))
            await using (var holder = new NpgsqlConnection(superuser))
            {
                // The first batch cannot commit while this session holds the append lock; the second is planned
                // meanwhile, and only the table can confirm its key (the appender keeps fingerprints of keys).
                await holder.OpenAsync();
                await ExecuteAsync(holder, $"SELECT pg_advisory_lock({LedgerAppender.AppendLockKey})");
                var first = appender.AppendAsync(Enumerable.Range(1, 200).Select(i => LedgerTestData.Event("inflight", i, idempotencyKey: $"if-{i}")).ToList());
                var second = appender.AppendAsync([LedgerTestData.Event("inflight", 201, idempotencyKey: "if-200"), LedgerTestData.Event("inflight", 202)]);
                await Eventually.TrueAsync(async () => await Eventually.AdvisoryLockWaitersAsync(superuser) > 0,
                    "the first batch to wait for the append lock");
                first.IsCompleted.ShouldBeFalse();
                await ExecuteAsync(holder, $"SELECT pg_advisory_unlock({LedgerAppender.AppendLockKey})");

                var results = await Task.WhenAll(first, second);

                results[1][0].ShouldBe(results[0][199] with { AlreadyPresent = true });
                results[1][1].Seq.ShouldBe(201);
            }
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);
            var rows = await LedgerTestData.ReadAllAsync(superuser);
            rows.Count.ShouldBe(201);
            LedgerTestData.AssertChainsIntact(rows);
        });
    }

    [Fact]
    public async Task BulkAppend_CheckpointsWithBatchesInFlight_SignTheTreeHeadAtTheirSize()
    {
        await WithBulkLoadAsync(async (superuser, writer) =>
        {
            using var signer = CheckpointSigner.Generate();
            var options = new AppenderOptions { BulkLoad = true, CheckpointEveryEvents = 100, Origin = "ledger/test", Signer = signer };
            await using (var appender = new LedgerAppender(writer, new FakeTimeProvider(LedgerTestData.Start), options))
            {
                // Six batches of 60 handed in at once: the tree already holds later batches when earlier ones are checkpointed.
                var inFlight = Enumerable.Range(0, 6)
                    .Select(b => appender.AppendAsync(Enumerable.Range(0, 60).Select(i => LedgerTestData.Event("ckpt-" + (i % 5), b * 60 + i)).ToList()))
                    .ToList();
                await Task.WhenAll(inFlight);
            }
            (await LedgerBulkLoad.RestoreAsync(superuser)).ShouldBe(Restored);

            var leaves = (await LedgerTestData.ReadAllAsync(superuser)).Select(r => r.Hash!).ToList();
            await using var dataSource = NpgsqlDataSource.Create(superuser);
            var stored = await new CheckpointStore(dataSource).ReadRowsAsync();
            stored.Select(s => s.Signed.Checkpoint.Size).ShouldBe([120L, 240L, 360L]);
            foreach (var (signed, _) in stored.Select(s => (s.Signed, s.KeyId)))
            {
                signer.PublicKey.Verifies(signed).ShouldBeTrue();
                HashHex.ToHex(signed.Checkpoint.RootHash).ShouldBe(HashHex.ToHex(LedgerTestData.ReferenceRoot(leaves, 0, (int)signed.Checkpoint.Size)));
            }
        });
    }

    /// <summary>What a restore after a bulk load creates: every secondary index and every dropped unique constraint.</summary>
    private static int Restored => LedgerBulkLoad.SecondaryIndexes.Count + LedgerBulkLoad.UniqueConstraints.Count;

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static LedgerAppender BulkAppender(string writer) =>
        new(writer, new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions { BulkLoad = true });

    /// <summary>A fresh migrated ledger database whose bulk-load indexes were dropped; the test gets the superuser and writer connection strings.</summary>
    private async Task WithBulkLoadAsync(Func<string, string, Task> test)
    {
        var name = db.DatabaseName + "_" + Guid.NewGuid().ToString("N")[..8];
        await db.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        try
        {
            var superuser = new NpgsqlConnectionStringBuilder(db.SuperuserConnectionString) { Database = name }.ConnectionString;
            await LedgerMigrator.MigrateAsync(superuser, db.Roles);
            var writer = new NpgsqlConnectionStringBuilder(superuser) { Username = db.Roles.Writer, Password = null }.ConnectionString;
            (await LedgerBulkLoad.DropIfEmptyAsync(superuser)).ShouldBeTrue();
            await test(superuser, writer);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

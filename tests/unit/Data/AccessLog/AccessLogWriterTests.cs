using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.AccessLog;

public sealed class AccessLogWriterTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>, IAsyncLifetime
{
    private readonly string witnessPath = Path.Combine(Path.GetTempPath(), "ap-al-witness-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => AccessLogTestData.EmptyAsync(db);

    public Task DisposeAsync()
    {
        if (Directory.Exists(witnessPath))
            Directory.Delete(witnessPath, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AppendAsync_OneQuery_OneRequestAndOneCompletionChainedAndHashValid()
    {
        var entry = AccessLogTestData.Entry(1);
        AppendedEventPair pair;
        await using (var writer = AccessLogTestData.Writer(db))
        {
            var request = await writer.AppendAsync(entry);
            var completion = await writer.AppendCompletionAsync(AccessLogTestData.Completed(entry, request, rows: 2));
            pair = new(request.EventId, completion.EventId);
        }

        var rows = await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString);
        rows.Count.ShouldBe(2);
        LedgerTestData.AssertChainsIntact(rows);
        var (req, done) = (rows[0], rows[1]);
        HashHex.ToHex(done.PrevHash).ShouldBe(HashHex.ToHex(EventRecord.LeafHash(req)));
        HashHex.ToHex(done.StreamPrevHash).ShouldBe(HashHex.ToHex(EventRecord.LeafHash(req)));

        req.EventId.ShouldBe(pair.Request);
        req.StreamType.ShouldBe("user");
        req.StreamId.ShouldBe("sub-auditor1");
        req.Actor.ShouldBe("Name of sub-auditor1");
        req.Action.ShouldBe("query.requested");
        req.ClientAddress.ShouldBe("192.0.2.10");
        req.IdempotencyKey.ShouldBe("req-1");
        req.Lineage.ShouldBeNull();
        req.PayloadJson.ShouldBe("""{"case":null,"checkpoint_size":null,"kind":"timeline.read","ledger_size":null,"parameters":{"stream_id":"acc-000001","stream_type":"account"},"purpose":"routine review","roles":["auditor"]}""");

        done.EventId.ShouldBe(pair.Completion);
        done.Action.ShouldBe("query.completed");
        done.IdempotencyKey.ShouldBe("req-1/outcome");
        done.Lineage.ShouldNotBeNull();
        done.Lineage.Inputs.ShouldBe([pair.Request]);
        done.Lineage.RuleId.ShouldBe("portal.gateway");
        done.Lineage.RuleVersion.ShouldBe("1");
        var payload = JsonNode.Parse(done.PayloadJson)!.AsObject();
        ((string?)payload["request_event_id"]).ShouldBe(pair.Request.ToString("D"));
        ((string?)payload["outcome"]).ShouldBe("completed");
        ((long?)payload["row_count"]).ShouldBe(2);
        ((string?)payload["record_digest"]).ShouldBe(RecordDigest.Compute(["record-1", "record-0"]));
        ((long?)payload["duration_ms"]).ShouldBe(12);
    }

    [Fact]
    public async Task AppendAsync_RetriedRequestId_LoggedOnceAndSameEventReturned()
    {
        await using var writer = AccessLogTestData.Writer(db);
        var entry = AccessLogTestData.Entry(7);
        var first = await writer.AppendAsync(entry);
        var retry = await writer.AppendAsync(entry);
        var completion = AccessLogTestData.Completed(entry, first);
        var done = await writer.AppendCompletionAsync(completion);
        var doneAgain = await writer.AppendCompletionAsync(completion);

        first.AlreadyPresent.ShouldBeFalse();
        retry.ShouldBe(first with { AlreadyPresent = true });
        doneAgain.ShouldBe(done with { AlreadyPresent = true });
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events")).ShouldBe(2);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentRetriesOfOneRequest_LoggedOnce()
    {
        await using var writer = AccessLogTestData.Writer(db);
        var entry = AccessLogTestData.Entry(8);
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => writer.AppendAsync(entry)));

        results.Select(r => r.EventId).Distinct().Count().ShouldBe(1);
        results.Count(r => !r.AlreadyPresent).ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events")).ShouldBe(1);
    }

    [Fact]
    public async Task AppendCompletionAsync_UnknownRequest_OnlyThatCallerFails()
    {
        await using var writer = AccessLogTestData.Writer(db);
        var good = Enumerable.Range(20, 10).Select(n => writer.AppendAsync(AccessLogTestData.Entry(n))).ToList();
        var orphan = AccessLogCompletion.For(AccessLogTestData.Entry(99), Guid.CreateVersion7(), AccessLogOutcome.Failed, null, null,
            TimeSpan.FromMilliseconds(1), LedgerTestData.Start.UtcDateTime);
        var bad = writer.AppendCompletionAsync(orphan);

        (await Should.ThrowAsync<ArgumentException>(bad)).Message.ShouldContain("lineage input");
        foreach (var task in good)
            (await task).AlreadyPresent.ShouldBeFalse();
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events")).ShouldBe(10);
    }

    [Fact]
    public async Task AppendAsync_InvalidEntry_ThrowsBeforeQueueing()
    {
        await using var writer = AccessLogTestData.Writer(db);
        Should.Throw<ArgumentException>(() => writer.AppendAsync(AccessLogTestData.Entry(1) with { SubjectId = "" }));
        Should.Throw<ArgumentException>(() => writer.AppendAsync(AccessLogTestData.Entry(1) with { RequestedAt = DateTime.SpecifyKind(DateTime.UnixEpoch, DateTimeKind.Unspecified) }));
    }

    [Fact]
    public async Task AppendAsync_CheckpointDue_SignedWithTheAccessLogKeyAndOriginAndWitnessed()
    {
        using var signer = CheckpointSigner.Generate();
        var witness = new WitnessDirectory(witnessPath);
        await using (var writer = AccessLogTestData.Writer(db, new AccessLogWriterOptions
        {
            Deployment = "test",
            CheckpointEveryEvents = 4,
            Signer = signer,
            Witness = witness,
        }))
        {
            for (var n = 1; n <= 3; n++)
                await AccessLogTestData.LogQueryAsync(writer, AccessLogTestData.Entry(n));
        }

        var reader = AccessLogTestData.Reader(db, out var connections);
        await using var _ = connections;
        var head = await reader.HeadAsync();
        head.Size.ShouldBe(6);
        head.LatestCheckpoint.ShouldNotBeNull();
        var checkpoint = head.LatestCheckpoint.Signed;
        checkpoint.Checkpoint.Origin.ShouldBe("access-log/test");
        checkpoint.Checkpoint.Size.ShouldBe(4);
        head.LatestCheckpoint.KeyId.ShouldBe(signer.PublicKey.KeyId);
        signer.PublicKey.Verifies(checkpoint).ShouldBeTrue();
        var leaves = (await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString)).Select(r => r.Hash!).ToList();
        HashHex.ToHex(checkpoint.Checkpoint.RootHash).ShouldBe(HashHex.ToHex(LedgerTestData.ReferenceRoot(leaves, 0, 4)));
        witness.ReadAll().Count.ShouldBe(1);
    }

    [Fact]
    public async Task AppendAsync_AfterStop_ThrowsUnavailable()
    {
        var writer = AccessLogTestData.Writer(db);
        await writer.DisposeAsync();
        await Should.ThrowAsync<AccessLogUnavailableException>(() => writer.AppendAsync(AccessLogTestData.Entry(1)));
    }

    [Fact]
    public async Task AppendAsync_WriterRole_CannotUpdateOrDeleteTheAccessLog()
    {
        await using (var writer = AccessLogTestData.Writer(db))
            await writer.AppendAsync(AccessLogTestData.Entry(1));

        await using var connection = new Npgsql.NpgsqlConnection(db.WriterConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { "UPDATE ledger.events SET actor = 'x'", "DELETE FROM ledger.events" })
        {
            await using var cmd = new Npgsql.NpgsqlCommand(sql, connection);
            var ex = await Should.ThrowAsync<Npgsql.PostgresException>(() => cmd.ExecuteNonQueryAsync());
            ex.SqlState.ShouldBe("42501", sql); // insufficient_privilege
        }
    }

    private sealed record AppendedEventPair(Guid Request, Guid Completion);
}

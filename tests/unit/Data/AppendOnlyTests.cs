using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Appending;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using Npgsql;

namespace AuditPortal.Tests.Data;

/// <summary>UPDATE, DELETE and TRUNCATE fail for every role: by privilege for the roles, by trigger for the superuser.</summary>
public sealed class AppendOnlyTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    public static TheoryData<string> Tampering => new()
    {
        "UPDATE ledger.events SET actor = 'mallory'",
        "DELETE FROM ledger.events WHERE seq = 1",
        "TRUNCATE ledger.events",
        "UPDATE ledger.checkpoints SET origin = 'forged'",
        "DELETE FROM ledger.checkpoints",
        "TRUNCATE ledger.checkpoints",
    };

    public async Task InitializeAsync()
    {
        if (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events") > 0)
            return;
        using var signer = CheckpointSigner.Generate();
        await using var appender = new LedgerAppender(db.WriterConnectionString, new FakeTimeProvider(LedgerTestData.Start),
            new AppenderOptions { Signer = signer });
        await appender.AppendAsync([LedgerTestData.Event("a-1", 1), LedgerTestData.Event("a-1", 2)]);
        (await appender.CreateCheckpointAsync()).ShouldNotBeNull();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Writer_UpdateDeleteTruncate_PermissionDenied(string sql)
    {
        var ex = await RunAsync(db.WriterConnectionString, sql);

        ex.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        ex.MessageText.ShouldStartWith("permission denied for table ");
    }

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task WriterViaSetRole_UpdateDeleteTruncate_PermissionDenied(string sql)
    {
        var ex = await RunAsync(db.SuperuserConnectionString, "SET ROLE ledger_writer; " + sql);

        ex.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Superuser_UpdateDeleteTruncate_RejectedByTrigger(string sql)
    {
        var ex = await RunAsync(db.SuperuserConnectionString, sql);

        ex.SqlState.ShouldBe(PostgresErrorCodes.RestrictViolation);
        var table = sql.Contains("checkpoints", StringComparison.Ordinal) ? "ledger.checkpoints" : "ledger.events";
        var op = sql.Split(' ')[0];
        ex.MessageText.ShouldBe($"{table} is append-only: {op} is not allowed");
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events")).ShouldBe(2);
    }

    [Theory]
    [InlineData("INSERT INTO ledger.events SELECT seq + 100, gen_random_uuid(), stream_type, stream_id, stream_seq + 100, occurred_at, recorded_at, actor, action, client_address, schema_version, payload, supersedes, lineage_inputs, rule_id, rule_version, NULL, prev_hash, stream_prev_hash, hash FROM ledger.events")]
    [InlineData("INSERT INTO ledger.checkpoints SELECT size + 1, origin, root_hash, checkpoint_time, text, signature, key_id FROM ledger.checkpoints")]
    [InlineData("INSERT INTO keystore.subject_keys VALUES ('s', '\\x00', now())")]
    public async Task Reader_Insert_PermissionDenied(string sql)
    {
        var ex = await RunAsync(db.ReaderConnectionString, sql);

        ex.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task Reader_Select_Allowed()
    {
        await using var connection = new NpgsqlConnection(db.ReaderConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM ledger.events", connection);
        ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(2);
    }

    private static async Task<PostgresException> RunAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await Should.ThrowAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
    }
}

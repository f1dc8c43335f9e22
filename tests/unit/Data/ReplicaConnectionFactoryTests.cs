using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Replica;
using AuditPortal.Tests.Infrastructure;
using Npgsql;

namespace AuditPortal.Tests.Data;

public sealed class ReplicaConnectionFactoryTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task OpenAsync_EvenWithWriterRole_WritesFailReadOnly()
    {
        await using var factory = new ReplicaConnectionFactory(db.WriterConnectionString);
        await using var connection = await factory.OpenAsync();
        await using var cmd = new NpgsqlCommand("INSERT INTO keystore.subject_keys VALUES ('ro', decode(repeat('00', 32), 'hex'), now())", connection);

        var ex = await Should.ThrowAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());

        ex.SqlState.ShouldBe(PostgresErrorCodes.ReadOnlySqlTransaction);
    }

    [Fact]
    public async Task BeginReadOnlyAsync_ReaderRole_ReadsOneSnapshot()
    {
        await using (var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString),
            new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions()))
            await appender.AppendAsync([LedgerTestData.Event("ro-1", 1)]);
        await using var factory = new ReplicaConnectionFactory(db.ReaderConnectionString);

        await using var session = await factory.BeginReadOnlyAsync();
        await using var cmd = session.CreateCommand("SELECT current_setting('transaction_read_only'), count(*) FROM ledger.events");
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();

        reader.GetString(0).ShouldBe("on");
        reader.GetInt64(1).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Sessions_NeverJitCompileQueries_AlsoWithOptionsOfTheirOwn()
    {
        foreach (var connectionString in new[] { db.ReaderConnectionString, db.ReaderConnectionString + ";Options=-c statement_timeout=5000" })
        {
            await using var factory = new ReplicaConnectionFactory(connectionString);
            await using var session = await factory.BeginReadOnlyAsync();
            await using var cmd = session.CreateCommand("SELECT current_setting('jit'), current_setting('statement_timeout')");
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();

            reader.GetString(0).ShouldBe("off");
            if (connectionString.Contains("Options", StringComparison.Ordinal))
                reader.GetString(1).ShouldBe("5s");
        }
    }

    [Theory]
    [InlineData("", "kept")]
    [InlineData(";No Reset On Close=false", "reset")]
    public async Task ReturnedConnections_AreNotResetUnlessTheConnectionStringSaysSo(string extra, string expected)
    {
        // One physical connection, so the second open gets the first one back from the pool.
        await using var factory = new ReplicaConnectionFactory(db.ReaderConnectionString + ";Maximum Pool Size=1" + extra);
        await using (var first = await factory.OpenAsync())
        {
            await using var set = new NpgsqlCommand("SET application_name = 'left-by-the-first-use'", first);
            await set.ExecuteNonQueryAsync();
        }

        await using var second = await factory.OpenAsync();
        await using var show = new NpgsqlCommand("SELECT current_setting('application_name')", second);
        var name = (string)(await show.ExecuteScalarAsync())!;

        (name == "left-by-the-first-use" ? "kept" : "reset").ShouldBe(expected);
    }
}

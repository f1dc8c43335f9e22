using AuditPortal.Data.Schema;
using AuditPortal.Tests.Infrastructure;
using Npgsql;

namespace AuditPortal.Tests.Data;

public sealed class MigrationTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task MigrateAsync_SecondRun_AppliesNothingAndKeepsOneRowPerVersion()
    {
        var applied = await LedgerMigrator.MigrateAsync(db.SuperuserConnectionString, db.Roles);

        applied.ShouldBeEmpty();
        var rows = await db.ScalarAsync<long>("SELECT count(*) FROM ledger.schema_migrations");
        rows.ShouldBe(LedgerMigrator.Migrations.Count);
        LedgerMigrator.Migrations[0].Version.ShouldBe(1);
    }

    /// <summary>
    /// A ledger migrated up to V002 or V003 (before the stream heads of V004) upgrades: the next run applies exactly
    /// the later versions, in order, and the checkpoints table gets its format 2 columns.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task MigrateAsync_LedgerAtAnEarlierVersion_AppliesTheLaterOnesIncludingStreamHeads(int migratedTo)
    {
        var name = db.DatabaseName + "_up" + migratedTo;
        await db.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        try
        {
            var target = new NpgsqlConnectionStringBuilder(db.SuperuserConnectionString) { Database = name }.ConnectionString;
            var earlier = LedgerMigrator.Migrations.Where(m => m.Version <= migratedTo).ToList();
            await LedgerMigrator.ApplyAsync(target, db.Roles, earlier, "ledger", LedgerMigrator.AdvisoryLockKey, CancellationToken.None);

            var applied = await LedgerMigrator.MigrateAsync(target, db.Roles);

            applied.ShouldBe(LedgerMigrator.Migrations.Where(m => m.Version > migratedTo).Select(m => m.Version).ToList());
            applied.ShouldContain(4);
            await using var connection = new NpgsqlConnection(target);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT count(*) FROM information_schema.columns
                WHERE table_schema = 'ledger' AND table_name = 'checkpoints'
                  AND column_name IN ('stream_heads_count', 'stream_heads_root', 'note', 'frontier')
                """, connection);
            ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(4);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    [Fact]
    public async Task MigrateAsync_Concurrently_AppliesEachVersionOnce()
    {
        var name = db.DatabaseName + "_c";
        await db.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        try
        {
            var target = new NpgsqlConnectionStringBuilder(db.SuperuserConnectionString) { Database = name }.ConnectionString;
            var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LedgerMigrator.MigrateAsync(target, db.Roles)));

            runs.Sum(r => r.Count).ShouldBe(LedgerMigrator.Migrations.Count);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    [Fact]
    public async Task MigrateAsync_AccessLogRoles_GrantsToThoseRoles()
    {
        var name = db.DatabaseName + "_portal";
        await db.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        try
        {
            var target = new NpgsqlConnectionStringBuilder(db.SuperuserConnectionString) { Database = name }.ConnectionString;
            await LedgerMigrator.MigrateAsync(target, LedgerRoles.AccessLog);

            await using var connection = new NpgsqlConnection(target);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT has_table_privilege('accesslog_writer', 'ledger.events', 'INSERT'),
                       has_table_privilege('accesslog_writer', 'ledger.events', 'UPDATE'),
                       has_table_privilege('accesslog_reader', 'ledger.events', 'SELECT'),
                       has_table_privilege('accesslog_reader', 'ledger.events', 'INSERT'),
                       has_table_privilege('ledger_writer', 'ledger.events', 'INSERT')
                """, connection);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4))
                .ShouldBe((true, false, true, false, false));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    [Fact]
    public async Task Schema_NoRoleHoldsUpdateDeleteOrTruncateOnLedgerTables()
    {
        var grants = await db.ScalarAsync<long>("""
            SELECT count(*) FROM information_schema.role_table_grants
            WHERE table_schema = 'ledger' AND table_name IN ('events', 'checkpoints')
              AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') AND grantee <> 'postgres'
            """);
        grants.ShouldBe(0);
    }
}

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

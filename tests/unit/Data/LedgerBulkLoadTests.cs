using AuditPortal.Data.Schema;
using AuditPortal.Tests.Infrastructure;
using Npgsql;

namespace AuditPortal.Tests.Data;

public sealed class LedgerBulkLoadTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private const string IndexDefinitions =
        "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'ledger' AND tablename = 'events'";

    [Fact]
    public async Task DropThenRestore_EmptyLedger_SameIndexesAsTheMigration()
    {
        var name = db.DatabaseName + "_bulk";
        await db.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        try
        {
            var target = new NpgsqlConnectionStringBuilder(db.SuperuserConnectionString) { Database = name }.ConnectionString;
            await LedgerMigrator.MigrateAsync(target, db.Roles);
            await using var source = NpgsqlDataSource.Create(target);
            var migrated = (string)(await source.CreateCommand(IndexDefinitions).ExecuteScalarAsync())!;

            (await LedgerBulkLoad.DropIfEmptyAsync(target)).ShouldBeTrue();
            var dropped = (string)(await source.CreateCommand(IndexDefinitions).ExecuteScalarAsync())!;
            foreach (var (index, _) in LedgerBulkLoad.SecondaryIndexes)
                dropped.ShouldNotContain(index + " ");
            dropped.ShouldContain("events_pkey");
            dropped.ShouldContain("events_event_id_key");
            dropped.ShouldContain("events_idempotency_key_key");
            dropped.ShouldNotContain(LedgerBulkLoad.StreamPositionConstraint);

            (await LedgerBulkLoad.RestoreAsync(target)).ShouldBe(LedgerBulkLoad.SecondaryIndexes.Count + 1);
            (await LedgerBulkLoad.RestoreAsync(target)).ShouldBe(0);
            ((string)(await source.CreateCommand(IndexDefinitions).ExecuteScalarAsync())!).ShouldBe(migrated);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }
}

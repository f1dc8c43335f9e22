using AuditPortal.Data.Schema;
using AuditPortal.Tests.Data.Reading;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Verification.Verifying;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Tests.Data.Lineage;

/// <summary>V005 builds the forward-lineage edges of a ledger that existed before it, and keeps them append-only.</summary>
public sealed class LineageEdgesMigrationTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task V005_ExistingLedger_EdgesAreTheInverseOfItsLineage()
    {
        var name = db.DatabaseName + "_v005";
        await db.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        try
        {
            var target = new NpgsqlConnectionStringBuilder(db.SuperuserConnectionString) { Database = name }.ConnectionString;
            var before = LedgerMigrator.Migrations.Where(m => m.Version <= 4).ToList();
            await LedgerMigrator.ApplyAsync(target, db.Roles, before, "ledger", LedgerMigrator.AdvisoryLockKey, CancellationToken.None);
            var events = TestChain.Build(30, e => e.Seq switch
            {
                10 => e with { Lineage = new LedgerLineage([TestChain.Id(1), TestChain.Id(4), TestChain.Id(1)], "tax.1099-B", "2024.1") },
                20 => e with { Lineage = new LedgerLineage([TestChain.Id(10)], "custody.dividend-entitlement", "1") },
                _ => e,
            });
            await using (var connection = new NpgsqlConnection(target))
            {
                await connection.OpenAsync();
                await LedgerTestDatabase.LoadAsync(connection, events);
            }

            (await LedgerMigrator.MigrateAsync(target, db.Roles)).ShouldContain(5);

            await using var check = new NpgsqlConnection(target);
            await check.OpenAsync();
            var edges = new List<(Guid, long, int, Guid)>();
            await using (var cmd = new NpgsqlCommand("SELECT input_id, output_seq, input_ord, output_id FROM ledger.lineage_edges ORDER BY output_seq, input_ord", check))
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) edges.Add((r.GetGuid(0), r.GetInt64(1), r.GetInt32(2), r.GetGuid(3)));
            edges.ShouldBe([
                (TestChain.Id(1), 10L, 1, TestChain.Id(10)), (TestChain.Id(4), 10L, 2, TestChain.Id(10)), (TestChain.Id(1), 10L, 3, TestChain.Id(10)),
                (TestChain.Id(10), 20L, 1, TestChain.Id(20))]);

            foreach (var sql in new[] { "DELETE FROM ledger.lineage_edges", "UPDATE ledger.lineage_edges SET output_seq = 11", "TRUNCATE ledger.lineage_edges" })
            {
                await using var tamper = new NpgsqlCommand(sql, check);
                (await Should.ThrowAsync<PostgresException>(() => tamper.ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.RestrictViolation);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }
}

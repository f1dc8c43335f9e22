using AuditPortal.Data.Schema;
using AuditPortal.Tests.Infrastructure;
using System.Text.RegularExpressions;
using Npgsql;

namespace AuditPortal.Tests.Data;

public sealed partial class LedgerBulkLoadTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [GeneratedRegex(@"WHERE \((.*)\)$")]
    private static partial Regex PredicateInParentheses();

    private const string IndexDefinitions =
        "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'ledger' AND tablename = 'events'";

    /// <summary>
    /// The list must be exact: an index a migration adds but the list misses would be maintained row by row
    /// during a seed (slow), and one the list names that no migration has would appear only after a seed.
    /// </summary>
    [Fact]
    public async Task SecondaryIndexes_MigratedLedger_ListExactlyTheNonUniqueIndexesOfEvents()
    {
        var migrated = await QueryFreshLedgerAsync("_bulklist", """
            SELECT c.relname || substring(pg_get_indexdef(i.indexrelid) FROM ' ON .*$')
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'ledger.events'::regclass AND NOT i.indisunique
            ORDER BY c.relname
            """);

        var listed = LedgerBulkLoad.SecondaryIndexes.Select(i => i.Name + " " + i.Definition).Order(StringComparer.Ordinal).ToList();
        // pg_get_indexdef spells the default btree out ("USING btree") and parenthesises the predicate; the list does neither.
        migrated.Select(d => PredicateInParentheses().Replace(d.Replace(" USING btree ", " ", StringComparison.Ordinal), "WHERE $1"))
            .ShouldBe(listed);
        migrated.ShouldContain(d => d.StartsWith("events_stream_occurred_idx ", StringComparison.Ordinal));
    }

    /// <summary>Exact for the same reason: a unique constraint the list misses would be maintained row by row during a seed.</summary>
    [Fact]
    public async Task UniqueConstraints_MigratedLedger_ListEveryUniqueConstraintButThePrimaryKey()
    {
        var migrated = await QueryFreshLedgerAsync("_bulkunique", """
            SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'ledger.events'::regclass AND contype = 'u' ORDER BY conname
            """);

        migrated.ShouldBe(LedgerBulkLoad.UniqueConstraints.Select(c => $"{c.Name} UNIQUE ({c.Columns})").Order(StringComparer.Ordinal));
    }

    /// <summary>Migrates a scratch database and returns the text column of <paramref name="sql"/> over it.</summary>
    private async Task<List<string>> QueryFreshLedgerAsync(string suffix, string sql)
    {
        var name = db.DatabaseName + suffix;
        await db.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        try
        {
            var target = new NpgsqlConnectionStringBuilder(db.SuperuserConnectionString) { Database = name }.ConnectionString;
            await LedgerMigrator.MigrateAsync(target, db.Roles);
            await using var source = NpgsqlDataSource.Create(target);
            var rows = new List<string>();
            await using var cmd = source.CreateCommand(sql);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add(reader.GetString(0));
            return rows;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

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
            foreach (var (constraint, _, _) in LedgerBulkLoad.UniqueConstraints)
                dropped.ShouldNotContain(constraint);

            (await LedgerBulkLoad.RestoreAsync(target)).ShouldBe(LedgerBulkLoad.SecondaryIndexes.Count + LedgerBulkLoad.UniqueConstraints.Count);
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

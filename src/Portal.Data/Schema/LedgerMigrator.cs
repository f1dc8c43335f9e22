using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace AuditPortal.Data.Schema;

/// <summary>
/// Applies the versioned SQL migrations embedded in this assembly (<c>Migrations/V###__name.sql</c>).
/// </summary>
/// <remarks>
/// Idempotent: applied versions are recorded in <c>ledger.schema_migrations</c> with the SHA-256 of
/// the file, and a changed file that was already applied is an error rather than silently skipped.
/// A session advisory lock serializes concurrent migrators on one database; each file runs in its
/// own transaction. Roles are cluster-wide LOGIN roles without a password, created when missing:
/// development clusters use trust authentication, production sets passwords (SCRAM) out of band.
/// </remarks>
public static partial class LedgerMigrator
{
    /// <summary>Advisory lock key for migrations ("apmigrat" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x61706D6967726174;

    private const string ResourcePrefix = "AuditPortal.Data.Migrations.";

    /// <summary>The embedded migrations, ordered by version.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations(ResourcePrefix);

    /// <summary>
    /// Creates the roles if missing and applies every migration not yet applied. Returns the versions applied now.
    /// </summary>
    /// <param name="superuserConnectionString">A role that may create roles and objects in the target database.</param>
    public static Task<IReadOnlyList<int>> MigrateAsync(string superuserConnectionString, LedgerRoles roles, CancellationToken ct = default) =>
        ApplyAsync(superuserConnectionString, roles, Migrations, "ledger", AdvisoryLockKey, ct);

    /// <summary>
    /// Applies <paramref name="migrations"/> not yet recorded in <c><paramref name="schema"/>.schema_migrations</c>
    /// (shared by the ledger's and the portal database's own migration sets).
    /// </summary>
    internal static async Task<IReadOnlyList<int>> ApplyAsync(string superuserConnectionString, LedgerRoles roles,
        IReadOnlyList<Migration> migrations, string schema, long advisoryLockKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(superuserConnectionString);
        ArgumentNullException.ThrowIfNull(roles);
        roles.Validate();

        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({advisoryLockKey})", ct);
        try
        {
            foreach (var role in roles.All)
                await EnsureRoleAsync(connection, role, ct);

            await ExecuteAsync(connection, null, $"""
                CREATE SCHEMA IF NOT EXISTS {schema};
                CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                  version int PRIMARY KEY,
                  name text NOT NULL,
                  sha256 text NOT NULL,
                  applied_at timestamptz NOT NULL DEFAULT now());
                """, ct);

            var applied = new Dictionary<int, string>();
            await using (var cmd = new NpgsqlCommand($"SELECT version, sha256 FROM {schema}.schema_migrations", connection))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                    applied[reader.GetInt32(0)] = reader.GetString(1);
            }

            var appliedNow = new List<int>();
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var sha))
                {
                    if (sha != migration.Sha256)
                        throw new InvalidOperationException(
                            $"migration V{migration.Version:D3} ({migration.Name}) was applied with sha256 {sha} but the embedded file has {migration.Sha256}: applied migrations must never change; add a new one");
                    continue;
                }
                await using var tx = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, tx, migration.Render(roles), ct);
                await using (var insert = new NpgsqlCommand(
                    $"INSERT INTO {schema}.schema_migrations (version, name, sha256) VALUES ($1, $2, $3)", connection, tx))
                {
                    insert.Parameters.Add(new() { Value = migration.Version });
                    insert.Parameters.Add(new() { Value = migration.Name });
                    insert.Parameters.Add(new() { Value = migration.Sha256 });
                    await insert.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                appliedNow.Add(migration.Version);
            }
            return appliedNow;
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({advisoryLockKey})", CancellationToken.None);
        }
    }

    private static async Task EnsureRoleAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        // Roles are cluster-wide and the advisory lock is per database: tolerate a concurrent creator.
        var quoted = QuoteIdentifier(role);
        var literal = "'" + role.Replace("'", "''", StringComparison.Ordinal) + "'";
        await ExecuteAsync(connection, null, $"""
            DO $do$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {literal}) THEN
                CREATE ROLE {quoted} LOGIN;
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
              NULL;
            END
            $do$;
            """, ct);
    }

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        // No command timeout: a migration that builds an index on an existing ledger runs for minutes at
        // 10M events (V002), and a timeout would roll it back only to fail the same way next time.
        await using var cmd = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    internal static List<Migration> LoadMigrations(string resourcePrefix)
    {
        var assembly = typeof(LedgerMigrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
                continue;
            var fileName = resource[resourcePrefix.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
                throw new InvalidOperationException($"embedded migration '{fileName}' is not named V###__name.sql");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = reader.ReadToEnd();
            var version = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            migrations.Add(new Migration(version, match.Groups[2].Value, text, sha));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
                throw new InvalidOperationException($"two migrations have version {migrations[i].Version}");
        }
        return migrations;
    }

    [GeneratedRegex(@"^V(\d+)__([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}

/// <summary>One embedded migration; <see cref="Sql"/> holds <c>{{writer}}</c>, <c>{{reader}}</c> and <c>{{key_eraser}}</c> placeholders.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Sha256)
{
    /// <summary>The SQL with the role placeholders replaced by quoted identifiers.</summary>
    public string Render(LedgerRoles roles) => Sql
        .Replace("{{writer}}", LedgerMigrator.QuoteIdentifier(roles.Writer), StringComparison.Ordinal)
        .Replace("{{reader}}", LedgerMigrator.QuoteIdentifier(roles.Reader), StringComparison.Ordinal)
        .Replace("{{key_eraser}}", LedgerMigrator.QuoteIdentifier(roles.KeyEraser), StringComparison.Ordinal);
}

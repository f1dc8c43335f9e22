using System.Globalization;
using System.Security.Cryptography;
using AuditPortal.Data.Schema;
using Npgsql;

namespace AuditPortal.Tests.Infrastructure;

/// <summary>
/// A fresh database per test class on the test cluster (<c>AUDITPORTAL_TEST_PRIMARY</c>, default a
/// local cluster on port 56432), migrated with the ledger roles and dropped afterwards.
/// </summary>
public class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "AUDITPORTAL_TEST_PRIMARY";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=56432;Username=postgres;Database=postgres";

    private readonly List<NpgsqlDataSource> dataSources = [];

    public PostgresFixture()
        : this(LedgerRoles.Ledger)
    {
    }

    /// <summary>A fixture whose database is migrated with <paramref name="roles"/> (e.g. the access log's).</summary>
    protected PostgresFixture(LedgerRoles roles)
    {
        Roles = roles;
        ServerConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnv
            ? fromEnv
            : DefaultConnectionString;
        DatabaseName = "ap_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        SuperuserConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = DatabaseName }.ConnectionString;
    }

    public LedgerRoles Roles { get; }

    /// <summary>The cluster's maintenance connection (from the environment).</summary>
    public string ServerConnectionString { get; }

    public string DatabaseName { get; }

    /// <summary>The test database, as the superuser.</summary>
    public string SuperuserConnectionString { get; }

    public string WriterConnectionString => As(Roles.Writer);
    public string ReaderConnectionString => As(Roles.Reader);
    public string KeyEraserConnectionString => As(Roles.KeyEraser);

    /// <summary>The test database as <paramref name="role"/> (the test cluster trusts local connections).</summary>
    public string As(string role) =>
        new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Username = role, Password = null }.ConnectionString;

    /// <summary>A data source the fixture disposes at the end.</summary>
    public NpgsqlDataSource DataSource(string connectionString)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        lock (dataSources)
            dataSources.Add(dataSource);
        return dataSource;
    }

    public async Task InitializeAsync()
    {
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        await LedgerMigrator.MigrateAsync(SuperuserConnectionString, Roles);
        await MigrateMoreAsync();
    }

    /// <summary>Migrations after the ledger's (the portal database's own, for the access log).</summary>
    protected virtual Task MigrateMoreAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var dataSource in dataSources)
            await dataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser and returns the first column of the first row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>A fresh database per test class, migrated with the access log's roles (<see cref="LedgerRoles.AccessLog"/>), like the <c>portal</c> database.</summary>
public sealed class AccessLogPostgresFixture() : PostgresFixture(LedgerRoles.AccessLog)
{
    /// <summary>The portal database's migrations too (its review indexes and pending markers), as <c>ledger init</c> applies them.</summary>
    protected override async Task MigrateMoreAsync() => await PortalMigrator.MigrateAsync(SuperuserConnectionString, Roles);
}

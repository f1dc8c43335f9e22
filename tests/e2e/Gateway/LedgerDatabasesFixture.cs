using System.Globalization;
using System.Security.Cryptography;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Schema;
using AuditPortal.Data.Workspace;
using AuditPortal.Verification.Checkpoints;
using Npgsql;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>
/// A fresh <c>ledger_&lt;rand&gt;</c> + <c>portal_&lt;rand&gt;</c> pair on the real test primary
/// (<c>AUDITPORTAL_TEST_PRIMARY</c>), migrated with the ledger and access-log roles, seeded with a small
/// signed demo ledger (some subjects crypto-shredded), and visible on the real standby
/// (<c>AUDITPORTAL_TEST_REPLICA</c>) before any test runs. Dropped afterwards.
/// </summary>
public sealed class LedgerDatabasesFixture : IAsyncLifetime
{
    public const int EventCount = 600;

    private readonly int events;
    private int disposed;

    public LedgerDatabasesFixture() : this(EventCount)
    {
    }

    /// <summary>A pair with <paramref name="events"/> demo events (0: migrated but empty).</summary>
    internal LedgerDatabasesFixture(int events)
    {
        this.events = events;
        PrimaryServer = Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_PRIMARY") is { Length: > 0 } p
            ? p : "Host=127.0.0.1;Port=56432;Username=postgres;Database=postgres";
        ReplicaServer = Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_REPLICA") is { Length: > 0 } r
            ? r : "Host=127.0.0.1;Port=56433;Username=postgres;Database=postgres";
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        LedgerDb = "ledger_" + suffix;
        PortalDb = "portal_" + suffix;
        KeyDirectory = Directory.CreateTempSubdirectory("gateway-e2e-").FullName;
        PublicKeyPath = Path.Combine(KeyDirectory, "checkpoint-pub.pem");
        WitnessPath = Path.Combine(KeyDirectory, "witness");
    }

    /// <summary>The ledger's witness directory (every checkpoint of the seed is recorded there).</summary>
    public string WitnessPath { get; }

    /// <summary>The checkpoint signer of the seed (for tests that append more, e.g. a reforged head).</summary>
    internal CheckpointSigner? Signer { get; private set; }

    public string PrimaryServer { get; }
    public string ReplicaServer { get; }
    public string LedgerDb { get; }
    public string PortalDb { get; }
    public string KeyDirectory { get; }
    public string PublicKeyPath { get; }

    /// <summary>Subjects whose keys were destroyed after seeding.</summary>
    public IReadOnlyList<string> ShreddedSubjects { get; private set; } = [];

    public string Primary(string database, string? role = null) => On(PrimaryServer, database, role);
    public string Replica(string database, string? role = null) => On(ReplicaServer, database, role);

    /// <summary>The configuration the portal gets: reader on the standby, access-log writer on the primary.</summary>
    public Dictionary<string, string?> PortalConfiguration() => new()
    {
        ["ConnectionStrings:Replica"] = Replica(LedgerDb, LedgerRoles.Ledger.Reader),
        ["ConnectionStrings:AccessLog"] = Primary(PortalDb, LedgerRoles.AccessLog.Writer),
        ["Portal:Ledger:CheckpointPublicKeyPath"] = PublicKeyPath,
        ["ConnectionStrings:AccessLogReplica"] = Replica(PortalDb, LedgerRoles.AccessLog.Reader),
        ["Portal:AccessLog:Deployment"] = "test",
        ["Portal:Ledger:WitnessDirectory"] = WitnessPath,
        // Purpose limitation is on by default; the tests that need it turn it on (docs/workspace.md).
        ["Portal:Workspace:RequireCase"] = "false",
        // The development certificate evidence PDFs are signed with (scripts/evidence-cert.sh, made in InitializeAsync).
        ["Portal:Evidence:SigningCertificatePath"] = Path.Combine(KeyDirectory, "evidence-signing-cert.pem"),
        ["Portal:Evidence:SigningKeyPath"] = Path.Combine(KeyDirectory, "evidence-signing-key.pem"),
    };

    private async Task MakeEvidenceCertificateAsync()
    {
        using var script = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(AuditPortal.Tests.E2e.Portal.DevOidcProcess.RepositoryRoot(), "scripts", "evidence-cert.sh"), KeyDirectory },
            RedirectStandardError = true,
        })!;
        var output = await script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync();
        if (script.ExitCode != 0)
            throw new InvalidOperationException("scripts/evidence-cert.sh failed: " + output);
    }

    public async Task InitializeAsync()
    {
        await ExecuteAsync(PrimaryServer, $"CREATE DATABASE \"{LedgerDb}\"");
        await ExecuteAsync(PrimaryServer, $"CREATE DATABASE \"{PortalDb}\"");
        await LedgerMigrator.MigrateAsync(Primary(LedgerDb), LedgerRoles.Ledger);
        await LedgerMigrator.MigrateAsync(Primary(PortalDb), LedgerRoles.AccessLog);
        await PortalMigrator.MigrateAsync(Primary(PortalDb), LedgerRoles.AccessLog);
        await WorkspaceMigrator.MigrateAsync(Primary(PortalDb), LedgerRoles.AccessLog);

        await MakeEvidenceCertificateAsync();
        var signer = Signer = CheckpointSigner.Generate();
        await File.WriteAllTextAsync(PublicKeyPath, signer.PublicKey.ToPem());
        var generator = new DemoLedgerGenerator(7, new DemoOptions { BaseAccounts = 40, AccountCap = 60 });
        await using (var appender = new LedgerAppender(Primary(LedgerDb, LedgerRoles.Ledger.Writer), TimeProvider.System,
            new AppenderOptions { Signer = signer, CheckpointEveryEvents = 250, Origin = "ledger/test", Witness = new WitnessDirectory(WitnessPath) }))
        {
            foreach (var batch in generator.Batches(events, 200))
                await appender.AppendAsync(batch);
            await appender.CreateCheckpointAsync();
        }
        ShreddedSubjects = generator.ShreddedSubjects;
        await using (var eraser = NpgsqlDataSource.Create(Primary(LedgerDb, LedgerRoles.Ledger.KeyEraser)))
        {
            var store = new KeyStore(eraser);
            foreach (var subject in ShreddedSubjects)
                await store.ShredAsync(subject, "gateway-e2e", "test erasure");
        }
        await WaitForReplicaAsync();
    }

    /// <summary>Polls the standby until it has every event, checkpoint and erasure (and both databases).</summary>
    internal async Task WaitForReplicaAsync()
    {
        var want = await FingerprintAsync(Primary(LedgerDb));
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if (await FingerprintAsync(Replica(LedgerDb)) == want)
                {
                    await using var portal = new NpgsqlConnection(Replica(PortalDb));
                    await portal.OpenAsync();
                    return;
                }
            }
            catch (PostgresException ex) when (ex.SqlState is "3D000" or "42P01")
            {
                // database or table not replayed yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the replica did not catch up with {LedgerDb} ({want})");
    }

    private static async Task<string> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM ledger.events) || '/' || (SELECT count(*) FROM ledger.checkpoints) || '/' || (SELECT count(*) FROM keystore.erasures)",
            connection);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(PrimaryServer, $"DROP DATABASE IF EXISTS \"{LedgerDb}\" WITH (FORCE)");
        await ExecuteAsync(PrimaryServer, $"DROP DATABASE IF EXISTS \"{PortalDb}\" WITH (FORCE)");
        Signer?.Dispose();
        Directory.Delete(KeyDirectory, recursive: true);
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Primary(PortalDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
            cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The sizes of the ledger's signed checkpoints, ascending (they follow from batch sizes and the cadence; read, not assumed).</summary>
    public async Task<IReadOnlyList<long>> CheckpointSizesAsync()
    {
        await using var connection = new NpgsqlConnection(Primary(LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT size FROM ledger.checkpoints ORDER BY size", connection);
        var sizes = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            sizes.Add(reader.GetInt64(0));
        return sizes;
    }

    private static string On(string server, string database, string? role)
    {
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = database };
        if (role is not null)
        {
            builder.Username = role;
            builder.Password = null;
        }
        return builder.ConnectionString;
    }
}

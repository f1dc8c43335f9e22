using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Tests.Data.Reading;

/// <summary>
/// A private database per test class on a real PostgreSQL (<c>AUDITPORTAL_TEST_PRIMARY</c>, default
/// the local test cluster) holding just the ledger tables the reader uses, with the DDL the data
/// engineer owns (read-only columns as in the verifier brief). Tampering runs as the superuser.
/// </summary>
public sealed class LedgerTestDatabase : IAsyncLifetime
{
    public const string Ddl = """
        DROP SCHEMA IF EXISTS ledger CASCADE;
        CREATE SCHEMA ledger;
        CREATE TABLE ledger.events(
            seq bigint PRIMARY KEY, event_id uuid NOT NULL, stream_type text NOT NULL, stream_id text NOT NULL,
            stream_seq bigint NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL,
            actor text NOT NULL, action text NOT NULL, client_address text NULL, schema_version int NOT NULL,
            payload text NOT NULL, supersedes uuid NULL, lineage_inputs uuid[] NULL, rule_id text NULL,
            rule_version text NULL, idempotency_key text NULL, prev_hash bytea NOT NULL,
            stream_prev_hash bytea NOT NULL, hash bytea NOT NULL);
        CREATE INDEX ON ledger.events(stream_type, stream_id, stream_seq);
        CREATE INDEX ON ledger.events(event_id);
        CREATE TABLE ledger.checkpoints(size bigint PRIMARY KEY, origin text NOT NULL, root_hash bytea NOT NULL,
            checkpoint_time timestamptz NOT NULL, text text NOT NULL, signature bytea NOT NULL, key_id text NOT NULL);
        """;

    private readonly string name = "verifier_" + Guid.NewGuid().ToString("N")[..12];
    private NpgsqlDataSource? admin;

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_PRIMARY") ?? "Host=127.0.0.1;Port=56432;Username=postgres;Database=postgres";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        admin = NpgsqlDataSource.Create(AdminConnectionString);
        await using (var create = admin.CreateCommand($"CREATE DATABASE {name}"))
            await create.ExecuteNonQueryAsync();
        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (admin is null)
            return;
        await using (var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            await drop.ExecuteNonQueryAsync();
        await admin.DisposeAsync();
    }

    /// <summary>Recreates the tables and loads <paramref name="events"/> and <paramref name="checkpoints"/>.</summary>
    public async Task ResetAsync(IEnumerable<LedgerEvent> events, IEnumerable<SignedCheckpoint>? checkpoints = null)
    {
        await ExecuteAsync(Ddl);
        await using var connection = await DataSource.OpenConnectionAsync();
        await LoadAsync(connection, events);
        foreach (var c in checkpoints ?? [])
            await InsertCheckpointAsync(c);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task InsertCheckpointAsync(SignedCheckpoint c)
    {
        await using var command = DataSource.CreateCommand(
            "INSERT INTO ledger.checkpoints VALUES ($1, $2, $3, $4, $5, $6, 'test')");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = c.Checkpoint.Size });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Checkpoint.Origin });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = c.Checkpoint.RootHash });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = c.Checkpoint.Time });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Checkpoint.ToText() });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = c.Signature });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Binary COPY import of rows in the table's column order.</summary>
    public static async Task LoadAsync(NpgsqlConnection connection, IEnumerable<LedgerEvent> events)
    {
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY ledger.events FROM STDIN (FORMAT binary)");
        foreach (var e in events)
        {
            await import.StartRowAsync();
            await import.WriteAsync(e.Seq, NpgsqlDbType.Bigint);
            await import.WriteAsync(e.EventId, NpgsqlDbType.Uuid);
            await import.WriteAsync(e.StreamType, NpgsqlDbType.Text);
            await import.WriteAsync(e.StreamId, NpgsqlDbType.Text);
            await import.WriteAsync(e.StreamSeq, NpgsqlDbType.Bigint);
            await import.WriteAsync(e.OccurredAt, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(e.RecordedAt, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(e.Actor, NpgsqlDbType.Text);
            await import.WriteAsync(e.Action, NpgsqlDbType.Text);
            await WriteNullable(import, e.ClientAddress, NpgsqlDbType.Text);
            await import.WriteAsync(e.SchemaVersion, NpgsqlDbType.Integer);
            await import.WriteAsync(e.PayloadJson, NpgsqlDbType.Text);
            if (e.Supersedes is { } s) await import.WriteAsync(s, NpgsqlDbType.Uuid); else await import.WriteNullAsync();
            await WriteNullable(import, e.Lineage?.Inputs.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
            await WriteNullable(import, e.Lineage?.RuleId, NpgsqlDbType.Text);
            await WriteNullable(import, e.Lineage?.RuleVersion, NpgsqlDbType.Text);
            await WriteNullable(import, e.IdempotencyKey, NpgsqlDbType.Text);
            await import.WriteAsync(e.PrevHash, NpgsqlDbType.Bytea);
            await import.WriteAsync(e.StreamPrevHash, NpgsqlDbType.Bytea);
            await import.WriteAsync(e.Hash!, NpgsqlDbType.Bytea);
        }
        await import.CompleteAsync();
    }

    private static async Task WriteNullable<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type) where T : class
    {
        if (value is null) await import.WriteNullAsync();
        else await import.WriteAsync(value, type);
    }
}

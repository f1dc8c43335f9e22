using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Tests.Data.Reading;

/// <summary>
/// The migrated ledger database of <see cref="PostgresFixture"/> (real schema, triggers and roles),
/// with helpers to load hand-built rows and to tamper with them as a superuser would: triggers
/// disabled and the uniqueness constraints dropped. <see cref="ResetAsync"/> restores both.
/// </summary>
public sealed class LedgerTestDatabase : IAsyncLifetime
{
    private const string UniqueConstraints = """
        ALTER TABLE ledger.events DROP CONSTRAINT IF EXISTS events_event_id_key;
        ALTER TABLE ledger.events DROP CONSTRAINT IF EXISTS events_idempotency_key_key;
        ALTER TABLE ledger.events DROP CONSTRAINT IF EXISTS events_stream_type_stream_id_stream_seq_key;
        """;

    public PostgresFixture Fixture { get; } = new();

    /// <summary>The replica's view: the SELECT-only reader role.</summary>
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>The superuser, for loading and tampering.</summary>
    public NpgsqlDataSource Superuser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Fixture.InitializeAsync();
        DataSource = Fixture.DataSource(Fixture.ReaderConnectionString);
        Superuser = Fixture.DataSource(Fixture.SuperuserConnectionString);
    }

    public Task DisposeAsync() => Fixture.DisposeAsync();

    /// <summary>Empties the tables, restores the constraints and loads <paramref name="events"/> and <paramref name="checkpoints"/>.</summary>
    public async Task ResetAsync(IEnumerable<LedgerEvent> events, IEnumerable<SignedCheckpoint>? checkpoints = null)
    {
        await ExecuteAsync($"""
            ALTER TABLE ledger.events DISABLE TRIGGER ALL;
            ALTER TABLE ledger.checkpoints DISABLE TRIGGER ALL;
            TRUNCATE ledger.events, ledger.checkpoints;
            ALTER TABLE ledger.events ENABLE TRIGGER ALL;
            ALTER TABLE ledger.checkpoints ENABLE TRIGGER ALL;
            {UniqueConstraints}
            ALTER TABLE ledger.events ADD CONSTRAINT events_event_id_key UNIQUE (event_id);
            ALTER TABLE ledger.events ADD CONSTRAINT events_idempotency_key_key UNIQUE (idempotency_key);
            ALTER TABLE ledger.events ADD CONSTRAINT events_stream_type_stream_id_stream_seq_key UNIQUE (stream_type, stream_id, stream_seq);
            """);
        await using var connection = await Superuser.OpenConnectionAsync();
        await LoadAsync(connection, events);
        foreach (var c in checkpoints ?? [])
            await InsertCheckpointAsync(c);
    }

    /// <summary>Runs <paramref name="sql"/> as a superuser who has switched the append-only guards off.</summary>
    public Task TamperAsync(string sql) => ExecuteAsync($"""
        ALTER TABLE ledger.events DISABLE TRIGGER ALL;
        ALTER TABLE ledger.checkpoints DISABLE TRIGGER ALL;
        {UniqueConstraints}
        {sql};
        ALTER TABLE ledger.events ENABLE TRIGGER ALL;
        ALTER TABLE ledger.checkpoints ENABLE TRIGGER ALL;
        """);

    public async Task ExecuteAsync(string sql)
    {
        await using var command = Superuser.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task InsertCheckpointAsync(SignedCheckpoint c)
    {
        await using var command = Superuser.CreateCommand(
            "INSERT INTO ledger.checkpoints (size, origin, root_hash, checkpoint_time, text, signature, key_id, stream_heads_count, stream_heads_root, note) " +
            "VALUES ($1, $2, $3, $4, $5, $6, 'test', $7, $8, $9)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = c.Checkpoint.Size });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Checkpoint.Origin });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = c.Checkpoint.RootHash });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = c.Checkpoint.Time });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Checkpoint.ToText() });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = c.Signature });
        // Format 2 (docs/ledger-format.md §5): the stream-head commitment and the signed note; NULL for format 1.
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)c.Checkpoint.StreamHeads?.Count ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)c.Checkpoint.StreamHeads?.Root ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)c.Note ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Binary COPY import of rows in the table's column order, each value through Npgsql's own type handling
    /// (<paramref name="table"/>: ledger.events or a table with its columns).
    /// </summary>
    public static async Task LoadAsync(NpgsqlConnection connection, IEnumerable<LedgerEvent> events, string table = "ledger.events")
    {
        await using var import = await connection.BeginBinaryImportAsync(
            $"COPY {table} FROM STDIN (FORMAT binary)");
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

using System.Globalization;
using AuditPortal.Verification.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Benchmarks.Verify;

/// <summary>Generates and loads a correctly chained ledger of ledger-like rows (once; reused while the row count matches).</summary>
internal static class BenchLedger
{
    private const string Ddl = """
        DROP SCHEMA IF EXISTS ledger CASCADE;
        CREATE SCHEMA ledger;
        CREATE TABLE ledger.events(
            seq bigint PRIMARY KEY, event_id uuid NOT NULL, stream_type text NOT NULL, stream_id text NOT NULL,
            stream_seq bigint NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL,
            actor text NOT NULL, action text NOT NULL, client_address text NULL, schema_version int NOT NULL,
            payload text NOT NULL, supersedes uuid NULL, lineage_inputs uuid[] NULL, rule_id text NULL,
            rule_version text NULL, idempotency_key text NULL, prev_hash bytea NOT NULL,
            stream_prev_hash bytea NOT NULL, hash bytea NOT NULL);
        CREATE TABLE ledger.checkpoints(size bigint PRIMARY KEY, origin text NOT NULL, root_hash bytea NOT NULL,
            checkpoint_time timestamptz NOT NULL, text text NOT NULL, signature bytea NOT NULL, key_id text NOT NULL);
        """;

    public static async Task EnsureAsync(string admin, string connectionString, long rows)
    {
        await using (var adminSource = NpgsqlDataSource.Create(admin))
        {
            await using var exists = adminSource.CreateCommand("SELECT count(*) FROM pg_database WHERE datname = 'verify_bench'");
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
            {
                await using var create = adminSource.CreateCommand("CREATE DATABASE verify_bench");
                await create.ExecuteNonQueryAsync();
            }
        }
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await using var count = dataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM ledger.events");
            if ((long)(await count.ExecuteScalarAsync())! == rows)
                return;
        }
        catch (PostgresException)
        {
            // no table yet
        }
        Console.WriteLine($"loading {rows.ToString("N0", CultureInfo.InvariantCulture)} rows…");
        await using (var ddl = dataSource.CreateCommand(Ddl))
            await ddl.ExecuteNonQueryAsync();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var import = await connection.BeginBinaryImportAsync("COPY ledger.events FROM STDIN (FORMAT binary)");
            foreach (var e in Generate(rows))
                await Write(import, e);
            await import.CompleteAsync();
        }
        await using (var analyze = dataSource.CreateCommand("VACUUM ANALYZE ledger.events"))
            await analyze.ExecuteNonQueryAsync();
    }

    public static IEnumerable<LedgerEvent> Generate(long rows)
    {
        const int streamCount = 1000;
        var epoch = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var tails = new (long StreamSeq, byte[] Hash)[streamCount];
        Array.Fill(tails, (0, HashHex.Zero));
        var prev = HashHex.Zero;
        for (long seq = 1; seq <= rows; seq++)
        {
            var s = (int)(seq * 7919 % streamCount);
            var time = epoch.AddMilliseconds(seq * 37);
            var e = new LedgerEvent
            {
                Seq = seq,
                EventId = new Guid(string.Create(CultureInfo.InvariantCulture, $"0190a000-0000-7000-8000-{seq:D12}")),
                StreamType = s % 3 == 0 ? "tax_form" : "account",
                StreamId = string.Create(CultureInfo.InvariantCulture, $"ACC-{s:D6}"),
                StreamSeq = tails[s].StreamSeq + 1,
                OccurredAt = time.AddSeconds(-5),
                RecordedAt = time,
                Actor = "svc-trading@brokerage.example",
                Action = "trade.executed",
                ClientAddress = "10.20.30.40",
                SchemaVersion = 2,
                PayloadJson = string.Create(CultureInfo.InvariantCulture,
                    $$"""{"account":"ACC-{{s:D6}}","amount":{{seq % 100000}},"currency":"EUR","instrument":"DE000BAY0017","isin":"DE000BAY0017","notes":"settlement T+2 via clearing member 4711, venue XETR, order type limit, time in force day","price":{{seq % 977}},"quantity":{{seq % 313}},"side":"buy","trader":"T-{{seq % 97:D4}}"}"""),
                IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"idem-{seq}"),
                PrevHash = prev,
                StreamPrevHash = tails[s].Hash,
            };
            var hash = EventRecord.LeafHash(e);
            prev = hash;
            tails[s] = (e.StreamSeq, hash);
            yield return e with { Hash = hash };
        }
    }

    private static async Task Write(NpgsqlBinaryImporter import, LedgerEvent e)
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
        await import.WriteAsync(e.ClientAddress!, NpgsqlDbType.Text);
        await import.WriteAsync(e.SchemaVersion, NpgsqlDbType.Integer);
        await import.WriteAsync(e.PayloadJson, NpgsqlDbType.Text);
        await import.WriteNullAsync();
        await import.WriteNullAsync();
        await import.WriteNullAsync();
        await import.WriteNullAsync();
        await import.WriteAsync(e.IdempotencyKey!, NpgsqlDbType.Text);
        await import.WriteAsync(e.PrevHash, NpgsqlDbType.Bytea);
        await import.WriteAsync(e.StreamPrevHash, NpgsqlDbType.Bytea);
        await import.WriteAsync(e.Hash!, NpgsqlDbType.Bytea);
    }
}

using System.Text;
using AuditPortal.Data.Appending;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Ledger;
using AuditPortal.Tests.Data.Reading;
using Npgsql;

namespace AuditPortal.Tests.Data;

/// <summary>
/// The appender's hand-written binary COPY rows (<see cref="EventCopyRows"/>) against the reference:
/// the same rows written value by value through Npgsql's <see cref="NpgsqlBinaryImporter"/> (the
/// appender's path before), into twin tables of a real PostgreSQL, must be equal in every column.
/// </summary>
public sealed class EventCopyRowsTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private static readonly DateTime Recorded = new(2024, 3, 1, 9, 30, 0, 123, DateTimeKind.Utc);

    [Fact]
    public async Task WriteRow_EveryKindOfValue_StoresWhatNpgsqlsImporterStores()
    {
        var rows = Rows().ToList();
        var tables = await TwinTablesAsync("kinds");
        await ImportAsync(tables.Reference, rows);
        await CopyRawAsync(tables.Raw, rows);

        (await db.ScalarAsync<long>($"SELECT count(*) FROM {tables.Raw}")).ShouldBe(rows.Count);
        (await db.ScalarAsync<long>($"""
            SELECT count(*) FROM {tables.Reference} a FULL JOIN {tables.Raw} b USING (seq)
            WHERE a IS DISTINCT FROM b
            """)).ShouldBe(0);
        // The values themselves, not only their agreement with the importer.
        (await db.ScalarAsync<string>($"SELECT stream_id || '|' || actor || '|' || payload FROM {tables.Raw} WHERE seq = 2"))
            .ShouldBe("konto-ü-€-😀|svc:büro|{\"name\":\"Zoë 😀\"}");
        (await db.ScalarAsync<bool>($"SELECT occurred_at = timestamptz '1969-07-20 20:17:40.000001+00' FROM {tables.Raw} WHERE seq = 2")).ShouldBeTrue();
        (await db.ScalarAsync<string>($"SELECT lineage_inputs::text FROM {tables.Raw} WHERE seq = 3"))
            .ShouldBe("{00000000-0000-7000-8000-000000000001,00000000-0000-7000-8000-000000000002,0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b}");
        (await db.ScalarAsync<string>($"SELECT lineage_inputs::text FROM {tables.Raw} WHERE seq = 4")).ShouldBe("{}");
    }

    [Fact]
    public async Task WriteRow_MoreThanOneChunk_KeepsEveryRowInOrder()
    {
        var rows = Enumerable.Range(1, 600).Select(i => Row(i, payload: new string('x', 200 + i))).ToList();
        var tables = await TwinTablesAsync("chunks");
        await ImportAsync(tables.Reference, rows);
        await CopyRawAsync(tables.Raw, rows);

        (await db.ScalarAsync<long>($"SELECT sum(octet_length(payload)) FROM {tables.Raw}")).ShouldBeGreaterThan(2 * 64 * 1024);
        (await db.ScalarAsync<long>($"""
            SELECT count(*) FROM {tables.Reference} a FULL JOIN {tables.Raw} b USING (seq)
            WHERE a IS DISTINCT FROM b
            """)).ShouldBe(0);
    }

    [Fact]
    public void WriteRow_EventWithoutHash_IsRefused()
    {
        using var data = new EventCopyRows();
        Should.Throw<ArgumentException>(() => data.WriteRow(Row(1) with { Hash = null }));
    }

    private static IEnumerable<LedgerEvent> Rows()
    {
        yield return Row(1);
        yield return Row(2) with
        {
            StreamId = "konto-ü-€-😀",
            Actor = "svc:büro",
            OccurredAt = new DateTime(1969, 7, 20, 20, 17, 40, DateTimeKind.Utc).AddTicks(10),
            ClientAddress = null,
            IdempotencyKey = null,
            PayloadJson = "{\"name\":\"Zoë 😀\"}",
        };
        yield return Row(3) with
        {
            Supersedes = Guid.Parse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"),
            Lineage = new LedgerLineage(
                [Guid.Parse("00000000-0000-7000-8000-000000000001"), Guid.Parse("00000000-0000-7000-8000-000000000002"),
                 Guid.Parse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")],
                "tax.form-1099", "v2.1"),
        };
        yield return Row(4) with { Lineage = new LedgerLineage([], "rule", "v1"), SchemaVersion = int.MaxValue };
        yield return Row(long.MaxValue) with { StreamSeq = long.MaxValue, OccurredAt = new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc) };
    }

    private static LedgerEvent Row(long seq, string? payload = null) => new()
    {
        Seq = seq,
        EventId = Guid.CreateVersion7(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seq % 100_000)),
        StreamType = "account",
        StreamId = "acc-" + seq,
        StreamSeq = seq,
        OccurredAt = Recorded.AddDays(-1),
        RecordedAt = Recorded,
        Actor = "svc:test",
        Action = "trade.executed",
        ClientAddress = "10.0.0.1",
        SchemaVersion = 1,
        PayloadUtf8 = Encoding.UTF8.GetBytes(payload is null ? "{\"n\":" + seq + "}" : "{\"p\":\"" + payload + "\"}"),
        IdempotencyKey = "key-" + seq,
        PrevHash = Filled(1),
        StreamPrevHash = Filled(2),
        Hash = Filled((byte)(seq % 250 + 3)),
    };

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, HashHex.HashSize).ToArray();

    private async Task<(string Reference, string Raw)> TwinTablesAsync(string name)
    {
        var (reference, raw) = ($"public.copy_{name}_importer", $"public.copy_{name}_raw");
        // The columns and types of ledger.events (the generated search_text too), without its constraints and triggers.
        await db.ExecuteAsync($"CREATE TABLE {reference} (LIKE ledger.events INCLUDING GENERATED); CREATE TABLE {raw} (LIKE ledger.events INCLUDING GENERATED)");
        return (reference, raw);
    }

    private async Task CopyRawAsync(string table, IReadOnlyList<LedgerEvent> rows)
    {
        await using var connection = new NpgsqlConnection(db.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} ({EventCopyRows.Columns}) FROM STDIN (FORMAT BINARY)");
        using var data = new EventCopyRows();
        foreach (var r in rows)
        {
            data.WriteRow(r);
            if (data.IsFull)
            {
                await copy.WriteAsync(data.Written);
                data.Clear();
            }
        }
        data.WriteTrailer();
        await copy.WriteAsync(data.Written);
    }

    /// <summary>The reference: every value through Npgsql's own type handling.</summary>
    private async Task ImportAsync(string table, IReadOnlyList<LedgerEvent> rows)
    {
        await using var connection = new NpgsqlConnection(db.SuperuserConnectionString);
        await connection.OpenAsync();
        await LedgerTestDatabase.LoadAsync(connection, rows, table);
    }
}

using System.Runtime.CompilerServices;
using AuditPortal.Verification.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.Reading;

/// <summary>
/// Streams ledger rows from the replica with <c>COPY (SELECT …) TO STDOUT (FORMAT binary)</c>: one
/// ordered index scan per call, no OFFSET paging, nothing buffered beyond Npgsql's read buffer.
/// </summary>
/// <remarks>
/// Reads run in a read-only transaction on a connection from <paramref name="dataSource"/>; the
/// replica role should be SELECT-only (docs/database.md, "Roles"). Each row is awaited with <c>StartRowAsync</c>
/// and its columns are then read synchronously: they are almost always in Npgsql's buffer already,
/// and twenty awaited reads per row cost a quarter of the decoding time. A row that straddles the
/// buffer blocks the reading thread briefly; the verifier reads on its own task.
/// </remarks>
public sealed class LedgerRowReader(NpgsqlDataSource dataSource)
{
    /// <summary>All columns, in the order of docs/ledger-format.md §2 (and of the table).</summary>
    internal const string Columns =
        "seq, event_id, stream_type, stream_id, stream_seq, occurred_at, recorded_at, actor, action, client_address, " +
        "schema_version, payload, supersedes, lineage_inputs, rule_id, rule_version, idempotency_key, prev_hash, " +
        "stream_prev_hash, hash";

    private const int ColumnCount = 20;

    /// <summary>Rows with <paramref name="from"/> ≤ seq ≤ <paramref name="to"/>, in seq order.</summary>
    public IAsyncEnumerable<LedgerEvent> ReadRangeAsync(long from, long to, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, 0);
        return Copy($"SELECT {Columns} FROM ledger.events WHERE seq BETWEEN {SqlLiteral.Int64(from)} AND {SqlLiteral.Int64(to)} ORDER BY seq",
            cancellationToken);
    }

    /// <summary>One stream's events, in stream_seq order.</summary>
    public IAsyncEnumerable<LedgerEvent> ReadStreamAsync(StreamKey stream, CancellationToken cancellationToken = default) =>
        Copy($"SELECT {Columns} FROM ledger.events WHERE stream_type = {SqlLiteral.Text(stream.Type)} " +
             $"AND stream_id = {SqlLiteral.Text(stream.Id)} ORDER BY stream_seq, seq", cancellationToken);

    /// <summary>The rows of <paramref name="seqs"/> (at most a few thousand), in seq order.</summary>
    public IAsyncEnumerable<LedgerEvent> ReadSeqsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        return seqs.Count == 0
            ? AsyncEnumerable.Empty<LedgerEvent>()
            : Copy($"SELECT {Columns} FROM ledger.events WHERE seq IN ({string.Join(',', seqs.Select(SqlLiteral.Int64))}) ORDER BY seq", cancellationToken);
    }

    /// <summary>The highest seq in the ledger; 0 when it is empty.</summary>
    public async Task<long> HeadSeqAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(LedgerHeadQuery.Sql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The stored hash of <paramref name="seq"/>; null when there is no such row.</summary>
    public async Task<byte[]?> StoredHashAsync(long seq, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT hash FROM ledger.events WHERE seq = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seq });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    private async IAsyncEnumerable<LedgerEvent> Copy(string select, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken)
            .ConfigureAwait(false);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
            await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        var export = await connection.BeginBinaryExportAsync($"COPY ({select}) TO STDOUT (FORMAT binary)", cancellationToken)
            .ConfigureAwait(false);
        await using (export.ConfigureAwait(false))
        {
            while (true)
            {
                var columns = await export.StartRowAsync(cancellationToken).ConfigureAwait(false);
                if (columns == -1)
                    break;
                if (columns != ColumnCount)
                    throw new InvalidOperationException($"COPY row has {columns} columns, want {ColumnCount}");
                yield return ReadRow(export);
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static LedgerEvent ReadRow(NpgsqlBinaryExporter x)
    {
        var seq = x.Read<long>(NpgsqlDbType.Bigint);
        var eventId = x.Read<Guid>(NpgsqlDbType.Uuid);
        var streamType = x.Read<string>(NpgsqlDbType.Text);
        var streamId = x.Read<string>(NpgsqlDbType.Text);
        var streamSeq = x.Read<long>(NpgsqlDbType.Bigint);
        var occurredAt = x.Read<DateTime>(NpgsqlDbType.TimestampTz);
        var recordedAt = x.Read<DateTime>(NpgsqlDbType.TimestampTz);
        var actor = x.Read<string>(NpgsqlDbType.Text);
        var action = x.Read<string>(NpgsqlDbType.Text);
        var clientAddress = NullableText(x);
        var schemaVersion = x.Read<int>(NpgsqlDbType.Integer);
        // The binary COPY form of text is its bytes in the client encoding, which Npgsql always sets
        // to UTF-8 — the same bytes as bytea's binary form, so reading the column as bytea yields
        // the payload's UTF-8 exactly as the record embeds it (no decode to UTF-16 and re-encode).
        var payload = x.Read<byte[]>(NpgsqlDbType.Bytea);
        Guid? supersedes = x.IsNull ? SkipNull<Guid?>(x) : x.Read<Guid>(NpgsqlDbType.Uuid);
        Guid[]? inputs = x.IsNull ? SkipNull<Guid[]>(x) : x.Read<Guid[]>(NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        var ruleId = NullableText(x);
        var ruleVersion = NullableText(x);
        var idempotencyKey = NullableText(x);
        var prevHash = x.Read<byte[]>(NpgsqlDbType.Bytea);
        var streamPrevHash = x.Read<byte[]>(NpgsqlDbType.Bytea);
        var hash = x.IsNull ? SkipNull<byte[]>(x) : x.Read<byte[]>(NpgsqlDbType.Bytea);

        return new LedgerEvent
        {
            Seq = seq,
            EventId = eventId,
            StreamType = streamType,
            StreamId = streamId,
            StreamSeq = streamSeq,
            OccurredAt = occurredAt,
            RecordedAt = recordedAt,
            Actor = actor,
            Action = action,
            ClientAddress = clientAddress,
            SchemaVersion = schemaVersion,
            PayloadUtf8 = payload,
            Supersedes = supersedes,
            // lineage is null iff rule_id is null; a half-filled lineage is read as it is and fails its hash.
            Lineage = ruleId is null && inputs is null ? null : new LedgerLineage(inputs ?? [], ruleId ?? "", ruleVersion ?? ""),
            IdempotencyKey = idempotencyKey,
            PrevHash = prevHash,
            StreamPrevHash = streamPrevHash,
            Hash = hash,
        };
    }

    private static string? NullableText(NpgsqlBinaryExporter x) => x.IsNull ? SkipNull<string>(x) : x.Read<string>(NpgsqlDbType.Text);

    // A NULL column in binary COPY is a length word of -1, already in the buffer once IsNull has looked at it.
    private static T? SkipNull<T>(NpgsqlBinaryExporter x)
    {
        x.Skip();
        return default;
    }
}

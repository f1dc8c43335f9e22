using System.Buffers.Binary;
using System.Globalization;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Npgsql;

namespace AuditPortal.Data.Reading;

/// <summary>
/// The verifier's row source (<see cref="LedgerRowFeed"/>): <c>COPY (SELECT …) TO STDOUT (FORMAT binary)</c> read as raw
/// bytes, each row decoded in place into <see cref="EventFields"/> that point into the read buffer — no object, string or
/// array per row, and no per-column call into Npgsql (which cost more than a µs per row: docs/performance.md). The
/// verifier writes the canonical record from these bytes directly.
/// </summary>
/// <remarks>
/// <para>Reads run in a read-only repeatable-read transaction, as <see cref="LedgerRowReader"/>'s do, and synchronously:
/// the verifier calls the feed on a thread of its own. Cancellation is checked before each read from the socket.</para>
/// <para>The binary COPY format is PostgreSQL's (protocol "Binary Format" of COPY): a signature and header, then per row
/// a 16-bit field count and per field a 32-bit length (−1: NULL) and the value in the type's binary form. A value the
/// record cannot hold (a NULL where the column is NOT NULL, a lineage array with a NULL or with two dimensions, a
/// timestamp beyond year 9999) is an error of the run, as it was when Npgsql decoded the rows.</para>
/// </remarks>
public sealed class LedgerCopyFeed(NpgsqlDataSource dataSource)
{
    private const int ColumnCount = 20;
    private const int InitialBuffer = 1 << 18;

    // PostgreSQL timestamps count microseconds from 2000-01-01 00:00 UTC.
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    // "PGCOPY\n", 0xFF, "\r\n", 0 (not a u8 literal: 0xFF is no UTF-8).
    private static ReadOnlySpan<byte> Signature => [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00];

    /// <summary>Rows with <paramref name="from"/> ≤ seq ≤ <paramref name="to"/>, in seq order, into <paramref name="sink"/>.</summary>
    public void ReadRange(long from, long to, LedgerRowSink sink, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, 0);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
            readOnly.ExecuteNonQuery();
        var copy = connection.BeginRawBinaryCopy(string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT {LedgerRowReader.Columns} FROM ledger.events WHERE seq BETWEEN {SqlLiteral.Int64(from)} AND {SqlLiteral.Int64(to)} ORDER BY seq) TO STDOUT (FORMAT binary)"));
        var completed = false;
        try
        {
            Read(copy, sink, cancellationToken);
            completed = true;
        }
        finally
        {
            if (!completed)
                CancelQuietly(copy);
            copy.Dispose();
        }
        transaction.Commit();
    }

    private static void Read(Stream copy, LedgerRowSink sink, CancellationToken cancellationToken)
    {
        var buffer = new byte[InitialBuffer];
        var inputs = new byte[16 * 64];
        int start = 0, end = 0;
        var headerRead = false;
        while (true)
        {
            var data = buffer.AsSpan(start, end - start);
            if (!headerRead && TryReadHeader(data, out var headerLength))
            {
                headerRead = true;
                start += headerLength;
                data = data[headerLength..];
            }
            if (headerRead)
            {
                while (TryReadRow(data, ref inputs, out var fields, out var consumed))
                {
                    if (consumed == 2) // the trailer: a field count of −1
                        return;
                    sink(in fields);
                    start += consumed;
                    data = data[consumed..];
                }
            }
            // Keep the partial row, make room, read on.
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            cancellationToken.ThrowIfCancellationRequested();
            var read = copy.Read(buffer, end, buffer.Length - end);
            if (read == 0)
                throw new InvalidDataException("the COPY stream ended in the middle of a row");
            end += read;
        }
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> data, out int length)
    {
        length = 0;
        if (data.Length < Signature.Length + 8)
            return false;
        if (!data.StartsWith(Signature))
            throw new InvalidDataException("not a binary COPY stream (signature)");
        var extension = BinaryPrimitives.ReadInt32BigEndian(data[(Signature.Length + 4)..]);
        if (data.Length < Signature.Length + 8 + extension)
            return false;
        length = Signature.Length + 8 + extension;
        return true;
    }

    /// <summary>Decodes one row if <paramref name="data"/> holds all of it; <paramref name="consumed"/> 2 is the trailer.</summary>
    private static bool TryReadRow(ReadOnlySpan<byte> data, ref byte[] inputsBuffer, out EventFields f, out int consumed)
    {
        f = default;
        consumed = 0;
        if (data.Length < 2)
            return false;
        var count = BinaryPrimitives.ReadInt16BigEndian(data);
        if (count == -1)
        {
            consumed = 2;
            return true;
        }
        if (count != ColumnCount)
            throw new InvalidDataException($"COPY row has {count} columns, want {ColumnCount}");
        var p = 2;
        if (!Field(data, ref p, out var seq) || !Field(data, ref p, out var eventId) || !Field(data, ref p, out var streamType)
            || !Field(data, ref p, out var streamId) || !Field(data, ref p, out var streamSeq) || !Field(data, ref p, out var occurredAt)
            || !Field(data, ref p, out var recordedAt) || !Field(data, ref p, out var actor) || !Field(data, ref p, out var action)
            || !Field(data, ref p, out var clientAddress) || !Field(data, ref p, out var schemaVersion) || !Field(data, ref p, out var payload)
            || !Field(data, ref p, out var supersedes) || !Field(data, ref p, out var inputs) || !Field(data, ref p, out var ruleId)
            || !Field(data, ref p, out var ruleVersion) || !Field(data, ref p, out var idempotencyKey) || !Field(data, ref p, out var prevHash)
            || !Field(data, ref p, out var streamPrevHash) || !Field(data, ref p, out var hash))
        {
            return false;
        }
        consumed = p;
        f.Seq = Int64(seq, "seq");
        f.EventId = NotNull(eventId, "event_id");
        f.StreamType = NotNull(streamType, "stream_type");
        f.StreamId = NotNull(streamId, "stream_id");
        f.StreamSeq = Int64(streamSeq, "stream_seq");
        f.OccurredAt = Timestamp(occurredAt, "occurred_at");
        f.RecordedAt = Timestamp(recordedAt, "recorded_at");
        f.Actor = NotNull(actor, "actor");
        f.Action = NotNull(action, "action");
        f.HasClientAddress = !clientAddress.IsNull;
        f.ClientAddress = clientAddress.Value;
        f.SchemaVersion = BinaryPrimitives.ReadInt32BigEndian(Sized(schemaVersion, 4, "schema_version"));
        f.Payload = NotNull(payload, "payload");
        f.HasSupersedes = !supersedes.IsNull;
        f.Supersedes = supersedes.Value;
        // As the row reader always had it: a lineage when inputs or rule are present, absent parts empty.
        f.HasLineage = !inputs.IsNull || !ruleId.IsNull;
        f.LineageInputs = inputs.IsNull ? default : UuidArray(inputs.Value, ref inputsBuffer);
        f.RuleId = ruleId.Value;
        f.RuleVersion = ruleVersion.Value;
        f.HasIdempotencyKey = !idempotencyKey.IsNull;
        f.IdempotencyKey = idempotencyKey.Value;
        f.PrevHash = NotNull(prevHash, "prev_hash");
        f.StreamPrevHash = NotNull(streamPrevHash, "stream_prev_hash");
        f.HasHash = !hash.IsNull;
        f.Hash = hash.Value;
        return true;
    }

    private readonly ref struct Column(ReadOnlySpan<byte> value, bool isNull)
    {
        public ReadOnlySpan<byte> Value { get; } = value;
        public bool IsNull { get; } = isNull;
    }

    private static bool Field(ReadOnlySpan<byte> data, scoped ref int p, out Column value)
    {
        value = default;
        if (data.Length - p < 4)
            return false;
        var length = BinaryPrimitives.ReadInt32BigEndian(data[p..]);
        if (length < 0)
        {
            p += 4;
            value = new Column(default, isNull: true);
            return true;
        }
        if (data.Length - p - 4 < length)
            return false;
        value = new Column(data.Slice(p + 4, length), isNull: false);
        p += 4 + length;
        return true;
    }

    private static ReadOnlySpan<byte> NotNull(Column value, string column) =>
        value.IsNull ? throw new InvalidDataException($"ledger column {column} is NULL") : value.Value;

    private static ReadOnlySpan<byte> Sized(Column value, int size, string column)
    {
        var bytes = NotNull(value, column);
        return bytes.Length == size ? bytes : throw new InvalidDataException($"ledger column {column} has {bytes.Length} bytes, want {size}");
    }

    private static long Int64(Column value, string column) => BinaryPrimitives.ReadInt64BigEndian(Sized(value, 8, column));

    // As Npgsql reads timestamptz: ±infinity become DateTime's MaxValue and MinValue; other values out of its range are errors.
    private static DateTime Timestamp(Column value, string column)
    {
        var micros = Int64(value, column);
        if (micros == long.MaxValue)
            return DateTime.MaxValue;
        if (micros == long.MinValue)
            return DateTime.MinValue;
        var ticks = PostgresEpochTicks + (Int128)micros * 10;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            throw new InvalidDataException($"ledger column {column} holds a timestamp outside years 1–9999");
        return new DateTime((long)ticks, DateTimeKind.Utc);
    }

    /// <summary>The 16-byte elements of a one-dimensional uuid[] without NULLs, next to each other in <paramref name="buffer"/>.</summary>
    /// <remarks>The binary array form: dimensions, a has-NULL flag, the element type, per dimension its length and lower
    /// bound, then each element with its 32-bit length.</remarks>
    private static ReadOnlySpan<byte> UuidArray(ReadOnlySpan<byte> array, ref byte[] buffer)
    {
        if (array.Length < 12)
            throw new InvalidDataException("ledger column lineage_inputs is not a binary array");
        var dimensions = BinaryPrimitives.ReadInt32BigEndian(array);
        if (dimensions == 0)
            return [];
        if (dimensions != 1 || array.Length < 20)
            throw new InvalidDataException($"ledger column lineage_inputs has {dimensions} dimensions, want 1");
        var count = BinaryPrimitives.ReadInt32BigEndian(array[12..]);
        if (count < 0 || array.Length != 20 + count * 20L)
            throw new InvalidDataException("ledger column lineage_inputs is not an array of UUIDs");
        if (buffer.Length < count * 16)
            buffer = new byte[count * 16];
        for (var i = 0; i < count; i++)
        {
            var element = array.Slice(20 + i * 20, 20);
            if (BinaryPrimitives.ReadInt32BigEndian(element) != 16)
                throw new InvalidDataException("ledger column lineage_inputs holds a NULL or a value that is not a UUID");
            element.Slice(4, 16).CopyTo(buffer.AsSpan(i * 16, 16));
        }
        return buffer.AsSpan(0, count * 16);
    }

    private static void CancelQuietly(NpgsqlRawCopyStream copy)
    {
        try
        {
            copy.Cancel();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
        {
            // The run already failed or was cancelled; that is what the caller reports.
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Appending;

/// <summary>
/// Builds <c>ledger.events</c> rows in PostgreSQL's binary <c>COPY</c> format (PostgreSQL manual, COPY,
/// "Binary Format"), in the column order of <see cref="Columns"/>, for a raw binary COPY stream.
/// </summary>
/// <remarks>
/// <para>Npgsql's <c>NpgsqlBinaryImporter</c> binds and resolves a parameter for each of the 20 values of a
/// row; in the seed's client profile that was 15–17 % of all samples. The binary representations written
/// here are the ones PostgreSQL's own <c>*_send</c> functions produce and Npgsql writes: integers
/// big-endian; <c>uuid</c> as its 16 bytes in RFC 9562 order; <c>text</c> as UTF-8 (the connection's
/// client encoding); <c>timestamptz</c> as microseconds since 2000-01-01 00:00:00 UTC; <c>bytea</c> raw;
/// <c>uuid[]</c> as a one-dimensional array with lower bound 1 (an empty one with no dimensions).</para>
/// <para>Times are written as they are, with no "infinity" for <see cref="DateTime.MinValue"/> (which
/// Npgsql would substitute): the leaf hash covers the time's text, so the stored value must be that time.
/// The appender truncates times to microseconds before hashing, so the division below is exact.</para>
/// <para>Rows accumulate in a pooled buffer; the caller writes <see cref="Written"/> to the COPY stream
/// whenever <see cref="IsFull"/> and then calls <see cref="Clear"/>, so memory stays at about two chunks.</para>
/// </remarks>
internal sealed class EventCopyRows : IDisposable
{
    /// <summary>The column list for <c>COPY ledger.events (…) FROM STDIN (FORMAT BINARY)</c>, in the order rows are written.</summary>
    public const string Columns =
        "seq, event_id, stream_type, stream_id, stream_seq, occurred_at, recorded_at, actor, action, client_address, "
        + "schema_version, payload, supersedes, lineage_inputs, rule_id, rule_version, idempotency_key, prev_hash, "
        + "stream_prev_hash, hash";

    private const short FieldCount = 20;
    private const int ChunkSize = 64 * 1024;
    private const int UuidTypeOid = 2950; // pg_type.oid of uuid, which array_recv checks
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    // "PGCOPY\n\377\r\n\0", then the flags field (0: no OIDs) and the header extension length (0).
    private static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private byte[] buffer = ArrayPool<byte>.Shared.Rent(2 * ChunkSize);
    private int length;

    public EventCopyRows() => Append(Header);

    /// <summary>The bytes built since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Written => buffer.AsMemory(0, length);

    /// <summary>True when <see cref="Written"/> holds a chunk worth sending.</summary>
    public bool IsFull => length >= ChunkSize;

    public void Clear() => length = 0;

    /// <summary>Appends the end-of-data marker (a field count of −1); the last bytes of a COPY.</summary>
    public void WriteTrailer()
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(length), -1);
        length += 2;
    }

    /// <summary>Appends one row. <paramref name="r"/> must carry its <see cref="LedgerEvent.Hash"/>.</summary>
    public void WriteRow(LedgerEvent r)
    {
        var payload = r.PayloadUtf8;
        var payloadText = payload is null ? r.PayloadJson : null;
        var inputs = r.Lineage?.Inputs;
        Ensure(MaxRowLength(r, payload?.Length ?? Encoding.UTF8.GetMaxByteCount(payloadText!.Length), inputs?.Count ?? 0));

        var d = buffer.AsSpan();
        var p = length;
        Int16(d, ref p, FieldCount);
        Int64Field(d, ref p, r.Seq);
        UuidField(d, ref p, r.EventId);
        TextField(d, ref p, r.StreamType);
        TextField(d, ref p, r.StreamId);
        Int64Field(d, ref p, r.StreamSeq);
        Int64Field(d, ref p, (r.OccurredAt.Ticks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond);
        Int64Field(d, ref p, (r.RecordedAt.Ticks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond);
        TextField(d, ref p, r.Actor);
        TextField(d, ref p, r.Action);
        TextField(d, ref p, r.ClientAddress);
        Int32(d, ref p, 4);
        Int32(d, ref p, r.SchemaVersion);
        if (payload is not null)
            BytesField(d, ref p, payload);
        else
            TextField(d, ref p, payloadText);
        if (r.Supersedes is { } superseded)
            UuidField(d, ref p, superseded);
        else
            Int32(d, ref p, -1);
        if (inputs is null)
        {
            Int32(d, ref p, -1); // lineage_inputs
            Int32(d, ref p, -1); // rule_id
            Int32(d, ref p, -1); // rule_version
        }
        else
        {
            UuidArrayField(d, ref p, inputs);
            TextField(d, ref p, r.Lineage!.RuleId);
            TextField(d, ref p, r.Lineage.RuleVersion);
        }
        TextField(d, ref p, r.IdempotencyKey);
        BytesField(d, ref p, r.PrevHash);
        BytesField(d, ref p, r.StreamPrevHash);
        BytesField(d, ref p, r.Hash ?? throw new ArgumentException("the event has no hash", nameof(r)));
        length = p;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    // An upper bound: field count, 20 length words, the fixed-size values, the texts at UTF-8's worst case.
    private static int MaxRowLength(LedgerEvent r, int payloadBytes, int inputCount) =>
        2 + FieldCount * 4 + 4 * 8 + 2 * 16 + 4 + 3 * 32 + payloadBytes
        + MaxText(r.StreamType) + MaxText(r.StreamId) + MaxText(r.Actor) + MaxText(r.Action) + MaxText(r.ClientAddress)
        + MaxText(r.Lineage?.RuleId) + MaxText(r.Lineage?.RuleVersion) + MaxText(r.IdempotencyKey)
        + 20 + inputCount * 20;

    private static int MaxText(string? s) => s is null ? 0 : Encoding.UTF8.GetMaxByteCount(s.Length);

    private void Ensure(int bytes)
    {
        if (length + bytes <= buffer.Length)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(2 * buffer.Length, length + bytes));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    private static void Int16(Span<byte> d, ref int p, short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(d[p..], value);
        p += 2;
    }

    private static void Int32(Span<byte> d, ref int p, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(d[p..], value);
        p += 4;
    }

    private static void Int64Field(Span<byte> d, ref int p, long value)
    {
        Int32(d, ref p, 8);
        BinaryPrimitives.WriteInt64BigEndian(d[p..], value);
        p += 8;
    }

    private static void UuidField(Span<byte> d, ref int p, Guid value)
    {
        Int32(d, ref p, 16);
        Uuid(d, ref p, value);
    }

    private static void Uuid(Span<byte> d, ref int p, Guid value)
    {
        value.TryWriteBytes(d.Slice(p, 16), bigEndian: true, out _);
        p += 16;
    }

    /// <summary>A text value, or NULL (length −1) for null.</summary>
    private static void TextField(Span<byte> d, ref int p, string? value)
    {
        if (value is null)
        {
            Int32(d, ref p, -1);
            return;
        }
        var n = Encoding.UTF8.GetBytes(value, d[(p + 4)..]);
        BinaryPrimitives.WriteInt32BigEndian(d[p..], n);
        p += 4 + n;
    }

    private static void BytesField(Span<byte> d, ref int p, ReadOnlySpan<byte> value)
    {
        Int32(d, ref p, value.Length);
        value.CopyTo(d[p..]);
        p += value.Length;
    }

    private static void UuidArrayField(Span<byte> d, ref int p, IReadOnlyList<Guid> values)
    {
        var dimensions = values.Count == 0 ? 0 : 1;
        Int32(d, ref p, 12 + 8 * dimensions + 20 * values.Count);
        Int32(d, ref p, dimensions);
        Int32(d, ref p, 0); // no NULL elements
        Int32(d, ref p, UuidTypeOid);
        if (dimensions == 0)
            return;
        Int32(d, ref p, values.Count);
        Int32(d, ref p, 1); // lower bound
        for (var i = 0; i < values.Count; i++)
            UuidField(d, ref p, values[i]);
    }
}

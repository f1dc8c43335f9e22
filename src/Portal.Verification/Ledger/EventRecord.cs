using System.Buffers;
using System.Buffers.Text;

namespace AuditPortal.Verification.Ledger;

/// <summary>
/// The canonical bytes of an event record (docs/ledger-format.md §2) and its leaf hash (§3).
/// </summary>
/// <remarks>
/// The record has a fixed shape, so members are written directly in RFC 8785 order instead of
/// building and sorting a JSON tree: this runs once per row in the verifier's hot loop. One writer, from
/// <see cref="EventFields"/> (UTF-8 texts, UUID bytes): the verifier hands it fields read straight from the binary
/// COPY buffer, and a <see cref="LedgerEvent"/> is brought to that form first (<see cref="LedgerEventFields"/>).
/// The payload is embedded verbatim (its UTF-8 bytes); it is canonical when appended, and a verifier must flag a
/// stored payload that is not (its hash will not match).
/// </remarks>
public static class EventRecord
{
    public const int FormatVersion = 1;

    [ThreadStatic]
    private static byte[]? scratch;

    [ThreadStatic]
    private static LedgerEventFields? eventFields;

    // The bytes a JSON string literal must escape (RFC 8785): control characters, quotation mark, reverse solidus.
    private static readonly SearchValues<byte> MustEscape =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>Writes the canonical bytes of <paramref name="e"/> to <paramref name="output"/>.</summary>
    public static void WriteCanonical(LedgerEvent e, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var f = Fields(e);
        var span = output.GetSpan(MaxCanonicalLength(in f));
        output.Advance(WriteCanonical(in f, span));
    }

    public static byte[] CanonicalBytes(LedgerEvent e)
    {
        var f = Fields(e);
        var buffer = new byte[MaxCanonicalLength(in f)];
        return buffer.AsSpan(0, WriteCanonical(in f, buffer)).ToArray();
    }

    /// <summary>leaf_hash = SHA-256(0x00 ‖ canonical bytes), written to <paramref name="destination"/>.</summary>
    public static void ComputeLeafHash(LedgerEvent e, Span<byte> destination)
    {
        var f = Fields(e);
        ComputeLeafHash(in f, destination);
    }

    /// <summary>leaf_hash = SHA-256(0x00 ‖ canonical bytes) of <paramref name="f"/>, written to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">A text of <paramref name="f"/> is not UTF-8.</exception>
    public static void ComputeLeafHash(in EventFields f, Span<byte> destination)
    {
        var needed = 1 + MaxCanonicalLength(in f);
        var buffer = scratch;
        if (buffer is null || buffer.Length < needed)
            scratch = buffer = new byte[Math.Max(needed, 4096)];
        buffer[0] = 0x00;
        var length = 1 + WriteCanonical(in f, buffer.AsSpan(1));
        AuditPortal.Verification.Merkle.Sha256Scratch.Hash(buffer.AsSpan(0, length), destination);
    }

    public static byte[] LeafHash(LedgerEvent e)
    {
        var hash = new byte[HashHex.HashSize];
        ComputeLeafHash(e, hash);
        return hash;
    }

    private static EventFields Fields(LedgerEvent e) => (eventFields ??= new LedgerEventFields()).Of(e);

    /// <summary>
    /// An upper bound on the canonical length of <paramref name="f"/>: every text byte escaped as <c>\u00xx</c>.
    /// </summary>
    private static int MaxCanonicalLength(in EventFields f)
    {
        long n = 512 // member names, punctuation, numbers, UUIDs and timestamps
                 + 6L * (f.Action.Length + f.Actor.Length + f.ClientAddress.Length + f.IdempotencyKey.Length
                         + f.StreamId.Length + f.StreamType.Length + f.RuleId.Length + f.RuleVersion.Length)
                 + f.Payload.Length
                 + 2L * (f.PrevHash.Length + f.StreamPrevHash.Length)
                 + 3L * f.LineageInputs.Length;
        return checked((int)n);
    }

    // One pass into a span sized by MaxCanonicalLength: no interface call per member. The bytes are
    // exactly those docs/ledger-format.md §2 specifies (tests pin them).
    private static int WriteCanonical(in EventFields f, Span<byte> d)
    {
        var p = 0;
        Raw(d, ref p, "{\"action\":"u8);
        String(d, ref p, f.Action);
        Raw(d, ref p, ",\"actor\":"u8);
        String(d, ref p, f.Actor);
        Raw(d, ref p, ",\"client_address\":"u8);
        StringOrNull(d, ref p, f.HasClientAddress, f.ClientAddress);
        Raw(d, ref p, ",\"event_id\":"u8);
        Uuid(d, ref p, f.EventId);
        Raw(d, ref p, ",\"idempotency_key\":"u8);
        StringOrNull(d, ref p, f.HasIdempotencyKey, f.IdempotencyKey);
        Raw(d, ref p, ",\"lineage\":"u8);
        Lineage(d, ref p, in f);
        Raw(d, ref p, ",\"occurred_at\":"u8);
        Timestamp(d, ref p, f.OccurredAt);
        Raw(d, ref p, ",\"payload\":"u8);
        Raw(d, ref p, f.Payload);
        Raw(d, ref p, ",\"prev_hash\":"u8);
        Hex(d, ref p, f.PrevHash);
        Raw(d, ref p, ",\"recorded_at\":"u8);
        Timestamp(d, ref p, f.RecordedAt);
        Raw(d, ref p, ",\"schema_version\":"u8);
        Integer(d, ref p, f.SchemaVersion);
        Raw(d, ref p, ",\"seq\":"u8);
        Integer(d, ref p, f.Seq);
        Raw(d, ref p, ",\"stream_id\":"u8);
        String(d, ref p, f.StreamId);
        Raw(d, ref p, ",\"stream_prev_hash\":"u8);
        Hex(d, ref p, f.StreamPrevHash);
        Raw(d, ref p, ",\"stream_seq\":"u8);
        Integer(d, ref p, f.StreamSeq);
        Raw(d, ref p, ",\"stream_type\":"u8);
        String(d, ref p, f.StreamType);
        Raw(d, ref p, ",\"supersedes\":"u8);
        if (f.HasSupersedes) Uuid(d, ref p, f.Supersedes); else Raw(d, ref p, "null"u8);
        Raw(d, ref p, ",\"v\":1}"u8);
        return p;
    }

    private static void Raw(Span<byte> d, ref int p, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(d[p..]);
        p += bytes.Length;
    }

    /// <summary>
    /// An RFC 8785 string literal of UTF-8 text: <c>\"</c> <c>\\</c> <c>\b</c> <c>\f</c> <c>\n</c> <c>\r</c> <c>\t</c>,
    /// other bytes below 0x20 as <c>\u00xx</c> (lowercase hex), every other byte as it is — the same bytes
    /// <see cref="Canonical.JsonCanonicalizer.WriteString(Span{byte}, ReadOnlySpan{char})"/> writes for the decoded text.
    /// </summary>
    private static void String(Span<byte> d, ref int p, ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            throw new ArgumentException("a text of the record is not UTF-8", nameof(utf8));
        d[p++] = (byte)'"';
        while (true)
        {
            var i = utf8.IndexOfAny(MustEscape);
            if (i < 0)
            {
                Raw(d, ref p, utf8);
                break;
            }
            Raw(d, ref p, utf8[..i]);
            var c = utf8[i];
            d[p++] = (byte)'\\';
            switch (c)
            {
                case (byte)'"': d[p++] = (byte)'"'; break;
                case (byte)'\\': d[p++] = (byte)'\\'; break;
                case (byte)'\b': d[p++] = (byte)'b'; break;
                case (byte)'\f': d[p++] = (byte)'f'; break;
                case (byte)'\n': d[p++] = (byte)'n'; break;
                case (byte)'\r': d[p++] = (byte)'r'; break;
                case (byte)'\t': d[p++] = (byte)'t'; break;
                default:
                    Raw(d, ref p, "u00"u8);
                    d[p++] = HexDigits[c >> 4];
                    d[p++] = HexDigits[c & 0xF];
                    break;
            }
            utf8 = utf8[(i + 1)..];
        }
        d[p++] = (byte)'"';
    }

    private static void StringOrNull(Span<byte> d, ref int p, bool present, ReadOnlySpan<byte> value)
    {
        if (present) String(d, ref p, value);
        else Raw(d, ref p, "null"u8);
    }

    // 8-4-4-4-12 lowercase hex of the 16 bytes in order: the text form of a UUID (and of Guid.ToString("D")).
    private static void Uuid(Span<byte> d, ref int p, ReadOnlySpan<byte> id)
    {
        if (id.Length != 16)
            throw new ArgumentException($"a UUID is 16 bytes, got {id.Length}", nameof(id));
        d[p++] = (byte)'"';
        HexRun(d, ref p, id[..4]);
        d[p++] = (byte)'-';
        HexRun(d, ref p, id[4..6]);
        d[p++] = (byte)'-';
        HexRun(d, ref p, id[6..8]);
        d[p++] = (byte)'-';
        HexRun(d, ref p, id[8..10]);
        d[p++] = (byte)'-';
        HexRun(d, ref p, id[10..]);
        d[p++] = (byte)'"';
    }

    private static void HexRun(Span<byte> d, ref int p, ReadOnlySpan<byte> bytes)
    {
        Convert.TryToHexStringLower(bytes, d.Slice(p, bytes.Length * 2), out _);
        p += bytes.Length * 2;
    }

    private static void Timestamp(Span<byte> d, ref int p, DateTime utc)
    {
        d[p] = (byte)'"';
        var written = LedgerTime.WriteUtf8(utc, d[(p + 1)..]);
        d[p + 1 + written] = (byte)'"';
        p += written + 2;
    }

    private static void Hex(Span<byte> d, ref int p, ReadOnlySpan<byte> hash)
    {
        d[p++] = (byte)'"';
        HexRun(d, ref p, hash);
        d[p++] = (byte)'"';
    }

    private static void Integer(Span<byte> d, ref int p, long value)
    {
        Utf8Formatter.TryFormat(value, d[p..], out var written);
        p += written;
    }

    private static void Lineage(Span<byte> d, ref int p, in EventFields f)
    {
        if (!f.HasLineage)
        {
            Raw(d, ref p, "null"u8);
            return;
        }
        Raw(d, ref p, "{\"inputs\":["u8);
        for (var i = 0; i < f.LineageInputs.Length; i += 16)
        {
            if (i > 0) Raw(d, ref p, ","u8);
            Uuid(d, ref p, f.LineageInputs.Slice(i, 16));
        }
        Raw(d, ref p, "],\"rule_id\":"u8);
        String(d, ref p, f.RuleId);
        Raw(d, ref p, ",\"rule_version\":"u8);
        String(d, ref p, f.RuleVersion);
        Raw(d, ref p, "}"u8);
    }
}

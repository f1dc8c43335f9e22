using System.Buffers;
using System.Buffers.Text;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Verification.Ledger;

/// <summary>
/// The canonical bytes of an event record (docs/ledger-format.md §2) and its leaf hash (§3).
/// </summary>
/// <remarks>
/// The record has a fixed shape, so members are written directly in RFC 8785 order instead of
/// building and sorting a JSON tree: this runs once per row in the verifier's hot loop.
/// The payload is embedded verbatim (its UTF-8 bytes as read, or its text encoded as UTF-8); it is
/// canonical when appended, and a verifier must flag a stored payload that is not (its hash will not match).
/// </remarks>
public static class EventRecord
{
    public const int FormatVersion = 1;

    [ThreadStatic]
    private static byte[]? scratch;

    /// <summary>Writes the canonical bytes of <paramref name="e"/> to <paramref name="output"/>.</summary>
    public static void WriteCanonical(LedgerEvent e, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(MaxCanonicalLength(e));
        output.Advance(WriteCanonical(e, span));
    }

    /// <summary>
    /// An upper bound on the canonical length of <paramref name="e"/>: every string at its worst-case
    /// escaped length, the payload at three bytes per UTF-16 code unit.
    /// </summary>
    private static int MaxCanonicalLength(LedgerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        long n = 512 // member names, punctuation, numbers, hex hashes, UUIDs and timestamps
                 + MaxString(e.Action) + MaxString(e.Actor) + MaxString(e.ClientAddress) + MaxString(e.IdempotencyKey)
                 + MaxString(e.StreamId) + MaxString(e.StreamType) + MaxPayload(e)
                 + 2L * ((e.PrevHash?.Length ?? 0) + (e.StreamPrevHash?.Length ?? 0));
        if (e.Lineage is { } lineage)
            n += 64 + 40L * lineage.Inputs.Count + MaxString(lineage.RuleId) + MaxString(lineage.RuleVersion);
        return checked((int)n);
    }

    private static long MaxString(string? value) => value is null ? 4 : 2 + 6L * value.Length;

    // Bytes are embedded as they are; text at most three UTF-8 bytes per UTF-16 code unit.
    private static long MaxPayload(LedgerEvent e) => e.PayloadUtf8 is { } utf8 ? utf8.Length : 3L * e.PayloadJson.Length;

    // One pass into a span sized by MaxCanonicalLength: no interface call per member. The bytes are
    // exactly those docs/ledger-format.md §2 specifies (tests pin them).
    private static int WriteCanonical(LedgerEvent e, Span<byte> d)
    {
        var p = 0;
        Raw(d, ref p, "{\"action\":"u8);
        String(d, ref p, e.Action);
        Raw(d, ref p, ",\"actor\":"u8);
        String(d, ref p, e.Actor);
        Raw(d, ref p, ",\"client_address\":"u8);
        StringOrNull(d, ref p, e.ClientAddress);
        Raw(d, ref p, ",\"event_id\":"u8);
        Uuid(d, ref p, e.EventId);
        Raw(d, ref p, ",\"idempotency_key\":"u8);
        StringOrNull(d, ref p, e.IdempotencyKey);
        Raw(d, ref p, ",\"lineage\":"u8);
        Lineage(d, ref p, e.Lineage);
        Raw(d, ref p, ",\"occurred_at\":"u8);
        Timestamp(d, ref p, e.OccurredAt);
        Raw(d, ref p, ",\"payload\":"u8);
        if (e.PayloadUtf8 is { } utf8)
            Raw(d, ref p, utf8);
        else
            p += System.Text.Encoding.UTF8.GetBytes(e.PayloadJson, d[p..]);
        Raw(d, ref p, ",\"prev_hash\":"u8);
        Hex(d, ref p, e.PrevHash);
        Raw(d, ref p, ",\"recorded_at\":"u8);
        Timestamp(d, ref p, e.RecordedAt);
        Raw(d, ref p, ",\"schema_version\":"u8);
        Integer(d, ref p, e.SchemaVersion);
        Raw(d, ref p, ",\"seq\":"u8);
        Integer(d, ref p, e.Seq);
        Raw(d, ref p, ",\"stream_id\":"u8);
        String(d, ref p, e.StreamId);
        Raw(d, ref p, ",\"stream_prev_hash\":"u8);
        Hex(d, ref p, e.StreamPrevHash);
        Raw(d, ref p, ",\"stream_seq\":"u8);
        Integer(d, ref p, e.StreamSeq);
        Raw(d, ref p, ",\"stream_type\":"u8);
        String(d, ref p, e.StreamType);
        Raw(d, ref p, ",\"supersedes\":"u8);
        if (e.Supersedes is { } s) Uuid(d, ref p, s); else Raw(d, ref p, "null"u8);
        Raw(d, ref p, ",\"v\":1}"u8);
        return p;
    }

    public static byte[] CanonicalBytes(LedgerEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteCanonical(e, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>leaf_hash = SHA-256(0x00 ‖ canonical bytes), written to <paramref name="destination"/>.</summary>
    public static void ComputeLeafHash(LedgerEvent e, Span<byte> destination)
    {
        var needed = 1 + MaxCanonicalLength(e);
        var buffer = scratch;
        if (buffer is null || buffer.Length < needed)
            scratch = buffer = new byte[Math.Max(needed, 4096)];
        buffer[0] = 0x00;
        var length = 1 + WriteCanonical(e, buffer.AsSpan(1));
        AuditPortal.Verification.Merkle.Sha256Scratch.Hash(buffer.AsSpan(0, length), destination);
    }

    public static byte[] LeafHash(LedgerEvent e)
    {
        var hash = new byte[HashHex.HashSize];
        ComputeLeafHash(e, hash);
        return hash;
    }

    private static void Raw(Span<byte> d, ref int p, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(d[p..]);
        p += bytes.Length;
    }

    private static void String(Span<byte> d, ref int p, string value) => p += JsonCanonicalizer.WriteString(d[p..], value);

    private static void StringOrNull(Span<byte> d, ref int p, string? value)
    {
        if (value is null) Raw(d, ref p, "null"u8);
        else String(d, ref p, value);
    }

    private static void Uuid(Span<byte> d, ref int p, Guid id)
    {
        d[p] = (byte)'"';
        id.TryFormat(d[(p + 1)..], out var written, "D");
        d[p + 1 + written] = (byte)'"';
        p += written + 2;
    }

    private static void Timestamp(Span<byte> d, ref int p, DateTime utc)
    {
        d[p] = (byte)'"';
        var written = LedgerTime.WriteUtf8(utc, d[(p + 1)..]);
        d[p + 1 + written] = (byte)'"';
        p += written + 2;
    }

    private static void Hex(Span<byte> d, ref int p, byte[] hash)
    {
        d[p] = (byte)'"';
        Convert.TryToHexStringLower(hash, d.Slice(p + 1, hash.Length * 2), out _);
        d[p + 1 + hash.Length * 2] = (byte)'"';
        p += hash.Length * 2 + 2;
    }

    private static void Integer(Span<byte> d, ref int p, long value)
    {
        Utf8Formatter.TryFormat(value, d[p..], out var written);
        p += written;
    }

    private static void Lineage(Span<byte> d, ref int p, LedgerLineage? lineage)
    {
        if (lineage is null)
        {
            Raw(d, ref p, "null"u8);
            return;
        }
        Raw(d, ref p, "{\"inputs\":["u8);
        for (var i = 0; i < lineage.Inputs.Count; i++)
        {
            if (i > 0) Raw(d, ref p, ","u8);
            Uuid(d, ref p, lineage.Inputs[i]);
        }
        Raw(d, ref p, "],\"rule_id\":"u8);
        String(d, ref p, lineage.RuleId);
        Raw(d, ref p, ",\"rule_version\":"u8);
        String(d, ref p, lineage.RuleVersion);
        Raw(d, ref p, "}"u8);
    }
}

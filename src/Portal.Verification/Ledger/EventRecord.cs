using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Verification.Ledger;

/// <summary>
/// The canonical bytes of an event record (docs/ledger-format.md §2) and its leaf hash (§3).
/// </summary>
/// <remarks>
/// The record has a fixed shape, so members are written directly in RFC 8785 order instead of
/// building and sorting a JSON tree: this runs once per row in the verifier's hot loop.
/// The payload is embedded verbatim; it is canonical when appended, and a verifier must flag a
/// stored payload that is not (its hash will not match).
/// </remarks>
public static class EventRecord
{
    public const int FormatVersion = 1;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? scratch;

    /// <summary>Writes the canonical bytes of <paramref name="e"/> to <paramref name="output"/>.</summary>
    public static void WriteCanonical(LedgerEvent e, IBufferWriter<byte> output)
    {
        Raw(output, "{\"action\":"u8);
        JsonCanonicalizer.WriteString(output, e.Action);
        Raw(output, ",\"actor\":"u8);
        JsonCanonicalizer.WriteString(output, e.Actor);
        Raw(output, ",\"client_address\":"u8);
        StringOrNull(output, e.ClientAddress);
        Raw(output, ",\"event_id\":"u8);
        Uuid(output, e.EventId);
        Raw(output, ",\"idempotency_key\":"u8);
        StringOrNull(output, e.IdempotencyKey);
        Raw(output, ",\"lineage\":"u8);
        Lineage(output, e.Lineage);
        Raw(output, ",\"occurred_at\":"u8);
        Timestamp(output, e.OccurredAt);
        Raw(output, ",\"payload\":"u8);
        Utf8Verbatim(output, e.PayloadJson);
        Raw(output, ",\"prev_hash\":"u8);
        Hex(output, e.PrevHash);
        Raw(output, ",\"recorded_at\":"u8);
        Timestamp(output, e.RecordedAt);
        Raw(output, ",\"schema_version\":"u8);
        Integer(output, e.SchemaVersion);
        Raw(output, ",\"seq\":"u8);
        Integer(output, e.Seq);
        Raw(output, ",\"stream_id\":"u8);
        JsonCanonicalizer.WriteString(output, e.StreamId);
        Raw(output, ",\"stream_prev_hash\":"u8);
        Hex(output, e.StreamPrevHash);
        Raw(output, ",\"stream_seq\":"u8);
        Integer(output, e.StreamSeq);
        Raw(output, ",\"stream_type\":"u8);
        JsonCanonicalizer.WriteString(output, e.StreamType);
        Raw(output, ",\"supersedes\":"u8);
        if (e.Supersedes is { } s) Uuid(output, s); else Raw(output, "null"u8);
        Raw(output, ",\"v\":1}"u8);
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
        var buffer = scratch ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        buffer.GetSpan(1)[0] = 0x00;
        buffer.Advance(1);
        WriteCanonical(e, buffer);
        SHA256.HashData(buffer.WrittenSpan, destination);
    }

    public static byte[] LeafHash(LedgerEvent e)
    {
        var hash = new byte[HashHex.HashSize];
        ComputeLeafHash(e, hash);
        return hash;
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static void StringOrNull(IBufferWriter<byte> output, string? value)
    {
        if (value is null) Raw(output, "null"u8);
        else JsonCanonicalizer.WriteString(output, value);
    }

    private static void Uuid(IBufferWriter<byte> output, Guid id)
    {
        var span = output.GetSpan(38);
        span[0] = (byte)'"';
        id.TryFormat(span[1..], out var written, "D");
        span[1 + written] = (byte)'"';
        output.Advance(written + 2);
    }

    private static void Timestamp(IBufferWriter<byte> output, DateTime utc)
    {
        var span = output.GetSpan(LedgerTime.Length + 2);
        span[0] = (byte)'"';
        var written = LedgerTime.WriteUtf8(utc, span[1..]);
        span[1 + written] = (byte)'"';
        output.Advance(written + 2);
    }

    private static void Hex(IBufferWriter<byte> output, byte[] hash)
    {
        var span = output.GetSpan(hash.Length * 2 + 2);
        span[0] = (byte)'"';
        Convert.TryToHexStringLower(hash, span.Slice(1, hash.Length * 2), out _);
        span[1 + hash.Length * 2] = (byte)'"';
        output.Advance(hash.Length * 2 + 2);
    }

    private static void Integer(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static void Utf8Verbatim(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length * 3);
        output.Advance(System.Text.Encoding.UTF8.GetBytes(text, span));
    }

    private static void Lineage(IBufferWriter<byte> output, LedgerLineage? lineage)
    {
        if (lineage is null)
        {
            Raw(output, "null"u8);
            return;
        }
        Raw(output, "{\"inputs\":["u8);
        for (var i = 0; i < lineage.Inputs.Count; i++)
        {
            if (i > 0) Raw(output, ","u8);
            Uuid(output, lineage.Inputs[i]);
        }
        Raw(output, "],\"rule_id\":"u8);
        JsonCanonicalizer.WriteString(output, lineage.RuleId);
        Raw(output, ",\"rule_version\":"u8);
        JsonCanonicalizer.WriteString(output, lineage.RuleVersion);
        Raw(output, "}"u8);
    }
}

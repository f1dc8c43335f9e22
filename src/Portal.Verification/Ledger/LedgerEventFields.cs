using System.Text.Unicode;

namespace AuditPortal.Verification.Ledger;

/// <summary>
/// Brings a <see cref="LedgerEvent"/> to <see cref="EventFields"/>: its texts encoded as UTF-8 and its UUIDs as bytes,
/// in a buffer this instance reuses (so the fields are valid until its next <see cref="Of"/>). Not thread-safe.
/// </summary>
public sealed class LedgerEventFields
{
    private byte[] buffer = new byte[1024];
    private int used;

    /// <exception cref="ArgumentException">A text holds a lone surrogate (it is not Unicode text).</exception>
    public EventFields Of(LedgerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var inputs = e.Lineage?.Inputs.Count ?? 0;
        long needed = 3L * (e.StreamType.Length + e.StreamId.Length + e.Actor.Length + e.Action.Length
                            + (e.ClientAddress?.Length ?? 0) + (e.IdempotencyKey?.Length ?? 0)
                            + (e.Lineage?.RuleId.Length ?? 0) + (e.Lineage?.RuleVersion.Length ?? 0))
                      + (e.PayloadUtf8?.Length ?? 3L * e.PayloadJson.Length) + 16L * (2 + inputs);
        if (buffer.Length < needed)
            buffer = new byte[checked((int)Math.Max(needed, 2L * buffer.Length))];
        used = 0;
        var f = new EventFields
        {
            Seq = e.Seq,
            EventId = Uuid(e.EventId),
            StreamType = Text(e.StreamType),
            StreamId = Text(e.StreamId),
            StreamSeq = e.StreamSeq,
            OccurredAt = e.OccurredAt,
            RecordedAt = e.RecordedAt,
            Actor = Text(e.Actor),
            Action = Text(e.Action),
            HasClientAddress = e.ClientAddress is not null,
            ClientAddress = e.ClientAddress is { } address ? Text(address) : default,
            SchemaVersion = e.SchemaVersion,
            Payload = e.PayloadUtf8 ?? Utf8Payload(e.PayloadJson),
            HasSupersedes = e.Supersedes is not null,
            Supersedes = e.Supersedes is { } s ? Uuid(s) : default,
            HasLineage = e.Lineage is not null,
            HasIdempotencyKey = e.IdempotencyKey is not null,
            IdempotencyKey = e.IdempotencyKey is { } key ? Text(key) : default,
            PrevHash = e.PrevHash,
            StreamPrevHash = e.StreamPrevHash,
            HasHash = e.Hash is not null,
            Hash = e.Hash,
        };
        if (e.Lineage is { } lineage)
        {
            var start = used;
            foreach (var input in lineage.Inputs)
                Uuid(input);
            f.LineageInputs = buffer.AsSpan(start, used - start);
            f.RuleId = Text(lineage.RuleId);
            f.RuleVersion = Text(lineage.RuleVersion);
        }
        return f;
    }

    private ReadOnlySpan<byte> Uuid(Guid id)
    {
        id.TryWriteBytes(buffer.AsSpan(used, 16), bigEndian: true, out _);
        used += 16;
        return buffer.AsSpan(used - 16, 16);
    }

    private ReadOnlySpan<byte> Text(string value)
    {
        var status = Utf8.FromUtf16(value, buffer.AsSpan(used), out var read, out var written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
            throw new ArgumentException($"lone surrogate U+{(int)value[read]:X4} at position {read} is not Unicode text", nameof(value));
        used += written;
        return buffer.AsSpan(used - written, written);
    }

    // Payload text is embedded as its UTF-8, as it always was (no surrogate check: the payload canonicalizer made it).
    private ReadOnlySpan<byte> Utf8Payload(string json)
    {
        var written = System.Text.Encoding.UTF8.GetBytes(json, buffer.AsSpan(used));
        used += written;
        return buffer.AsSpan(used - written, written);
    }
}

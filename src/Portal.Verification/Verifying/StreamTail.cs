using AuditPortal.Verification.Ledger;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// The last event seen of a stream: what its next event must link to, and all the verifier keeps per
/// distinct stream. 72 bytes, stored inline in the verifier's dictionary (no object per stream):
/// the stream's chain needs the hash, its sequence check the stream_seq, the duplicate check the
/// event_id, the messages the global seq, and the stream-head tree its handle there (0: none), so that a row
/// costs one table lookup.
/// </summary>
internal struct StreamTail
{
    public long Seq;
    public long StreamSeq;
    public Guid EventId;
    public Hash32 Hash;
    public int HeadHandle;

    public StreamTail(long seq, long streamSeq, Guid eventId, ReadOnlySpan<byte> hash)
    {
        Seq = seq;
        StreamSeq = streamSeq;
        EventId = eventId;
        hash.CopyTo(Hash);
    }
}

/// <summary>The first event of a stream within a parallel range, linked to the ranges before it by the merge.</summary>
internal readonly record struct StreamFirst(StreamKey Stream, long Seq, long StreamSeq, Guid EventId, Hash32 StreamPrevHash);

using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Portal.Dashboard;

/// <summary>
/// Remembers the verdict of the last checkpoint signature checked, so the dashboard does not redo an
/// ECDSA verification (key import + verify) on every request for a checkpoint that cannot change.
/// </summary>
/// <remarks>
/// A stored checkpoint is immutable and the latest one changes only at the signing cadence, so one
/// entry is enough. The memo is keyed by everything the verdict depends on: the key id, the exact signed
/// bytes and the exact signature. A different row (a new checkpoint, or a tampered one with other
/// bytes) misses and is verified afresh; nothing is trusted that was not verified with the same inputs.
/// Register as a singleton; safe for concurrent callers (the entry is replaced atomically).
/// </remarks>
public sealed class CheckpointSignatureMemo
{
    private sealed record Entry(string KeyId, byte[] SignedBytes, byte[] Signature, bool Valid);

    private Entry? last;
    private long verifications;

    /// <summary>How many real ECDSA verifications ran (memo misses), for tests and operations.</summary>
    public long Verifications => Interlocked.Read(ref verifications);

    /// <summary>Whether <paramref name="signed"/> carries a valid signature by <paramref name="key"/>; verified once per distinct input.</summary>
    public bool Verifies(CheckpointPublicKey key, SignedCheckpoint signed)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signed);
        var bytes = signed.Checkpoint.ToBytes();
        var entry = Volatile.Read(ref last);
        if (entry is not null && entry.KeyId == key.KeyId
            && entry.SignedBytes.AsSpan().SequenceEqual(bytes) && entry.Signature.AsSpan().SequenceEqual(signed.Signature))
            return entry.Valid;
        Interlocked.Increment(ref verifications);
        var valid = key.Verifies(signed);
        Volatile.Write(ref last, new Entry(key.KeyId, bytes, (byte[])signed.Signature.Clone(), valid));
        return valid;
    }
}

using System.Runtime.CompilerServices;

namespace AuditPortal.Verification.Verifying;

/// <summary>A SHA-256 hash stored inline (no array object): the per-stream state holds one per stream.</summary>
[InlineArray(Ledger.HashHex.HashSize)]
internal struct Hash32
{
    private byte first;

    public static Hash32 From(ReadOnlySpan<byte> hash)
    {
        var h = default(Hash32);
        hash.CopyTo(h);
        return h;
    }
}

namespace AuditPortal.Data.Demo;

/// <summary>Deterministic UUIDv7 (RFC 9562 §5.7) from a recorded time and PRNG bits.</summary>
internal static class DemoEventIds
{
    /// <summary>
    /// unix_ts_ms (48 bits) from <paramref name="recordedUtc"/>; rand_a carries the sub-millisecond
    /// fraction (RFC 9562 §6.2 method 3) so ids sort with the recorded time; rand_b from the PRNG.
    /// </summary>
    public static Guid NewV7(DateTime recordedUtc, DemoRandom random)
    {
        var sinceEpoch = recordedUtc.Ticks - DateTime.UnixEpoch.Ticks;
        var unixMs = (ulong)(sinceEpoch / TimeSpan.TicksPerMillisecond);
        var subMs = (ulong)(sinceEpoch % TimeSpan.TicksPerMillisecond);
        var randA = subMs * 4096 / (ulong)TimeSpan.TicksPerMillisecond; // 12 bits
        var randB = random.NextUInt64();

        Span<byte> b = stackalloc byte[16];
        b[0] = (byte)(unixMs >> 40);
        b[1] = (byte)(unixMs >> 32);
        b[2] = (byte)(unixMs >> 24);
        b[3] = (byte)(unixMs >> 16);
        b[4] = (byte)(unixMs >> 8);
        b[5] = (byte)unixMs;
        b[6] = (byte)(0x70 | (byte)(randA >> 8));
        b[7] = (byte)randA;
        b[8] = (byte)(0x80 | (byte)(randB >> 58));
        for (var i = 9; i < 16; i++)
            b[i] = (byte)(randB >> ((15 - i) * 8));
        return new Guid(b, bigEndian: true);
    }
}

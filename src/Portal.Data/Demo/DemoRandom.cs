namespace AuditPortal.Data.Demo;

/// <summary>
/// xoshiro256** seeded through splitmix64 (Blackman &amp; Vigna). A fixed algorithm, unlike
/// <see cref="Random"/>, so demo data never changes with the runtime version.
/// </summary>
internal sealed class DemoRandom
{
    private ulong s0, s1, s2, s3;

    public DemoRandom(long seed)
    {
        var x = (ulong)seed;
        s0 = SplitMix64(ref x);
        s1 = SplitMix64(ref x);
        s2 = SplitMix64(ref x);
        s3 = SplitMix64(ref x);
    }

    public static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, <paramref name="n"/>) by multiply-high (bias below 2^-32 for the ranges used here).</summary>
    public int Next(int n) => (int)(((UInt128)NextUInt64() * (ulong)n) >> 64);

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>], both inclusive.</summary>
    public long Between(long min, long max) => min + (long)(((UInt128)NextUInt64() * (ulong)(max - min + 1)) >> 64);

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(T[] items) => items[Next(items.Length)];
}

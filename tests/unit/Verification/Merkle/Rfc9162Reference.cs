using System.Security.Cryptography;

namespace AuditPortal.Tests.Verification.Merkle;

/// <summary>
/// A literal transcription of RFC 9162 §2.1 (MTH, PATH, PROOF/SUBPROOF and the verification
/// algorithms of §2.1.3.2 and §2.1.4.2), recursive and slow on purpose, using SHA-256 directly rather
/// than the production hasher. It exists only to cross-check the production code.
/// </summary>
internal static class Rfc9162Reference
{
    private static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());

    private static int K(int n)
    {
        int k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k; // the largest power of two smaller than n (n > 1)
    }

    /// <summary>MTH(D[n]) over raw leaf data.</summary>
    public static byte[] Mth(IReadOnlyList<byte[]> d)
    {
        if (d.Count == 0)
        {
            return H();
        }

        if (d.Count == 1)
        {
            return H([0x00], d[0]);
        }

        int k = K(d.Count);
        return H([0x01], Mth(d.Take(k).ToList()), Mth(d.Skip(k).ToList()));
    }

    /// <summary>PATH(m, D[n]).</summary>
    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }

        int k = K(d.Count);
        var left = d.Take(k).ToList();
        var right = d.Skip(k).ToList();
        return m < k
            ? [.. Path(m, left), Mth(right)]
            : [.. Path(m - k, right), Mth(left)];
    }

    /// <summary>PROOF(m, D[n]) = SUBPROOF(m, D[n], true).</summary>
    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> d) => SubProof(m, d, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> d, bool b)
    {
        if (m == d.Count)
        {
            return b ? [] : [Mth(d)];
        }

        int k = K(d.Count);
        var left = d.Take(k).ToList();
        var right = d.Skip(k).ToList();
        return m <= k
            ? [.. SubProof(m, left, b), Mth(right)]
            : [.. SubProof(m - k, right, false), Mth(left)];
    }

    /// <summary>The inclusion verification algorithm of §2.1.3.2, step by step.</summary>
    public static bool VerifyInclusion(long leafIndex, long treeSize, byte[] hash, IReadOnlyList<byte[]> path, byte[] rootHash)
    {
        if (leafIndex < 0 || leafIndex >= treeSize || path.Any(p => p.Length != 32) || hash.Length != 32)
        {
            return false;
        }

        long fn = leafIndex, sn = treeSize - 1;
        byte[] r = hash;
        foreach (var p in path)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = H([0x01], p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = H([0x01], r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(rootHash);
    }

    /// <summary>The consistency verification algorithm of §2.1.4.2 (for 0 &lt; first &lt; second), step by step.</summary>
    public static bool VerifyConsistency(long first, long second, byte[] firstHash, byte[] secondHash, IReadOnlyList<byte[]> consistencyPath)
    {
        if (first <= 0 || first >= second || consistencyPath.Count == 0 || consistencyPath.Any(p => p.Length != 32))
        {
            return false;
        }

        var path = consistencyPath.ToList();
        if ((first & (first - 1)) == 0)
        {
            path.Insert(0, firstHash);
        }

        long fn = first - 1, sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        byte[] fr = path[0], sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = H([0x01], c, fr);
                sr = H([0x01], c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = H([0x01], sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(firstHash) && sr.AsSpan().SequenceEqual(secondHash);
    }

    /// <summary>Deterministic distinct leaf data for tests: leaf i is "leaf-i" in UTF-8.</summary>
    public static List<byte[]> Leaves(int count) =>
        Enumerable.Range(0, count).Select(i => System.Text.Encoding.UTF8.GetBytes("leaf-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
}

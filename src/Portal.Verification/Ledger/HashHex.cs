namespace AuditPortal.Verification.Ledger;

/// <summary>Lowercase hex, as every hash in the format is written.</summary>
public static class HashHex
{
    public const int HashSize = 32;

    public static readonly byte[] Zero = new byte[HashSize];

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Parse(string hex)
    {
        if (hex.Length != HashSize * 2)
            throw new FormatException($"a hash is {HashSize * 2} hex characters, got {hex.Length}");
        foreach (var c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
                throw new FormatException("a hash is lowercase hex");
        }
        return Convert.FromHexString(hex);
    }
}

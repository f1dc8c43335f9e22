using System.Security.Cryptography;
using System.Text;

namespace AuditPortal.Data.AccessLog;

/// <summary>
/// The digest of the records a query returned, as stored in a completion's <c>record_digest</c>.
/// </summary>
/// <remarks>
/// Definition (version 1), for ids given as strings:
/// <list type="number">
/// <item>take the id of every returned record, once per returned row (duplicates are kept);</item>
/// <item>sort them by ordinal comparison of their UTF-16 code units (for UUIDs in the lowercase
/// 36-character form this is the order of their 16 bytes);</item>
/// <item>concatenate them, each followed by one LF (0x0A), and encode as UTF-8;</item>
/// <item>take SHA-256 and write it as 64 lowercase hex digits.</item>
/// </list>
/// Ledger event ids are written as lowercase hyphenated UUIDs (docs/ledger-format.md §1). An empty
/// result digests to SHA-256 of the empty string,
/// <c>e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855</c>. Ids must not contain LF.
/// </remarks>
public static class RecordDigest
{
    /// <summary>The digest of ledger event ids (UUIDs).</summary>
    public static string Compute(IEnumerable<Guid> recordIds)
    {
        ArgumentNullException.ThrowIfNull(recordIds);
        return Compute(recordIds.Select(id => id.ToString("D")));
    }

    /// <summary>The digest of record ids of any kind (e.g. stream ids).</summary>
    /// <exception cref="ArgumentException">An id is null or contains LF.</exception>
    public static string Compute(IEnumerable<string> recordIds)
    {
        ArgumentNullException.ThrowIfNull(recordIds);
        var ids = recordIds.ToArray();
        foreach (var id in ids)
        {
            if (id is null || id.Contains('\n', StringComparison.Ordinal))
                throw new ArgumentException("a record id is null or contains LF", nameof(recordIds));
        }
        Array.Sort(ids, StringComparer.Ordinal);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var id in ids)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(id));
            sha.AppendData("\n"u8);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

using System.Data.Common;

namespace AuditPortal.Data;

/// <summary>What a connection string itself says, as opposed to the defaults Npgsql fills in.</summary>
internal static class GivenKeywords
{
    /// <summary>Whether <paramref name="connectionString"/> gives any of <paramref name="keywords"/> (case-insensitive).</summary>
    public static bool Any(string connectionString, params string[] keywords)
    {
        // NpgsqlConnectionStringBuilder.ContainsKey answers "is this a known keyword", not "was it given":
        // read what was given with the plain builder (its keys are case-insensitive).
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keywords.Any(given.ContainsKey);
    }
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// The digest an outcome entry records: hex SHA-256 of the UTF-8 canonical JSON (RFC 8785) array of
/// the returned record ids, in the order returned. An admin can recompute it from the ids a page showed.
/// </summary>
public static class RecordDigest
{
    public static string Of(IReadOnlyList<string> recordIds)
    {
        ArgumentNullException.ThrowIfNull(recordIds);
        var array = new JsonArray(recordIds.Select(id => (JsonNode?)JsonValue.Create(id)).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(array.ToJsonString())));
    }
}

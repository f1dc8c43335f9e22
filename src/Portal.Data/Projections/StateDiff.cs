using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Data.Projections;

public enum ChangeKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>One difference: a JSON Pointer (RFC 6901) path and the canonical JSON of the value before and after (null when absent).</summary>
public sealed record StateChange(string Path, ChangeKind Kind, string? Before, string? After);

/// <summary>
/// Differences between two states. Objects are compared member by member (recursively); arrays,
/// scalars and personal-data envelopes are compared as whole values by their canonical JSON. Changes
/// are listed by path (ordinal), so the diff itself is deterministic.
/// </summary>
/// <remarks>
/// An envelope (<c>{"enc","iv","ct","sub"}</c>) is one value, the personal field it encrypts: walking
/// into it reported <c>/address/ct</c> and <c>/address/iv</c> as changes, base64 ciphertext that no
/// redaction recognises (it masks envelopes, not their members). As a whole value the change is at
/// <c>/address</c> and its before/after are envelopes, which the redaction masks or opens.
/// </remarks>
public static class StateDiff
{
    public static IReadOnlyList<StateChange> Compare(AsOfState before, AsOfState after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return Compare(JsonNode.Parse(before.Json), JsonNode.Parse(after.Json));
    }

    public static IReadOnlyList<StateChange> Compare(JsonNode? before, JsonNode? after)
    {
        var changes = new List<StateChange>();
        Walk("", before, after, changes);
        return changes.OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
    }

    private static void Walk(string path, JsonNode? before, JsonNode? after, List<StateChange> changes)
    {
        if (before is JsonObject a && after is JsonObject b && PersonalDataCipher.SubjectOf(a) is null && PersonalDataCipher.SubjectOf(b) is null)
        {
            foreach (var name in a.Select(m => m.Key).Union(b.Select(m => m.Key)).Order(StringComparer.Ordinal))
            {
                var child = path + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
                var inA = a.ContainsKey(name);
                var inB = b.ContainsKey(name);
                if (inA && inB)
                    Walk(child, a[name], b[name], changes);
                else if (inA)
                    changes.Add(new StateChange(child, ChangeKind.Removed, Canonical(a[name]), null));
                else
                    changes.Add(new StateChange(child, ChangeKind.Added, null, Canonical(b[name])));
            }
            return;
        }
        var x = Canonical(before);
        var y = Canonical(after);
        if (!string.Equals(x, y, StringComparison.Ordinal))
            changes.Add(new StateChange(path, ChangeKind.Changed, x, y));
    }

    private static string Canonical(JsonNode? node) =>
        Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(node?.ToJsonString() ?? "null"));
}

using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Portal.Auth;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Portal.Redaction;

/// <summary>
/// What the policy needs besides the payloads: the subject keys (only of subjects a live grant covers), the
/// erased subjects with their erasure time (null: no key left, time unknown) and what the caller's grants reveal.
/// </summary>
public sealed record RedactionContext(
    IReadOnlyDictionary<string, byte[]> Keys,
    IReadOnlyDictionary<string, DateTimeOffset?> ErasedSubjects,
    RevealScope Reveal)
{
    public static RedactionContext Masked(IReadOnlyDictionary<string, DateTimeOffset?> erasedSubjects) =>
        new(new Dictionary<string, byte[]>(), erasedSubjects, RevealScope.None);
}

/// <summary>
/// The redaction policy (docs/gateway.md, docs/ledger-format.md §7). Pure: no database, no clock.
/// <list type="bullet">
/// <item>Every personal-data envelope (<c>{"enc":"A256GCM","iv","ct","sub"}</c>) is masked for everyone.</item>
/// <item>An investigator with a live grant (docs/workspace.md) sees the values it covers decrypted, marked
/// <c>{"revealed": value}</c> (<see cref="RevealedMember"/>) so every page can show them as revealed.</item>
/// <item>A crypto-shredded subject shows "erased on &lt;date&gt;" (<see cref="Erased"/>) for everyone, grant or not.</item>
/// <item>Admins never unmask ledger personal data; auditors neither.</item>
/// </list>
/// </summary>
public static class RedactionPolicy
{
    public const string MaskedText = PersonalDataTexts.Masked;

    /// <summary>An erased subject whose erasure time is not known (no key left, no erasure row).</summary>
    public const string ErasedText = PersonalDataTexts.Erased;

    /// <summary>The one member of the object a revealed value is wrapped in.</summary>
    public const string RevealedMember = "revealed";

    public const string UnreadableText = PersonalDataTexts.Unreadable;

    /// <summary>What an erased subject's values show: <c>[erased on 2026-12-01]</c>, or <see cref="ErasedText"/> without a date.</summary>
    public static string Erased(DateTimeOffset? at) =>
        at is { } t ? "[erased on " + t.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "]" : ErasedText;

    /// <summary>May <paramref name="user"/> be granted decrypted personal data? Investigators only, and never an admin (who reviews the access log).</summary>
    public static bool MayUnmask(ClaimsPrincipal user) =>
        user.IsInRole(PortalRoles.Investigator) && !user.IsInRole(PortalRoles.Admin);

    /// <summary>The subject ids of every envelope in <paramref name="payloads"/>.</summary>
    public static IReadOnlySet<string> SubjectsIn(IEnumerable<JsonObject> payloads)
    {
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var payload in payloads)
            Collect(payload, subjects);
        return subjects;
    }

    /// <summary>Rewrites every envelope in <paramref name="payload"/> in place; what it met goes into <paramref name="summary"/>.</summary>
    public static void Apply(JsonObject payload, RedactionContext context, RedactionSummary? summary = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(context);
        RewriteObject(payload, context, summary ?? new RedactionSummary());
    }

    /// <summary>True when <paramref name="node"/> is a revealed value's marker; <paramref name="value"/> is then the value inside it.</summary>
    public static bool IsRevealed(JsonNode? node, out JsonNode? value)
    {
        value = null;
        if (node is not JsonObject { Count: 1 } obj || !obj.TryGetPropertyValue(RevealedMember, out var inner))
            return false;
        value = inner;
        return true;
    }

    private static void RewriteObject(JsonObject obj, RedactionContext context, RedactionSummary summary)
    {
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            var node = obj[name];
            var rewritten = Rewrite(node, name, context, summary);
            if (!ReferenceEquals(rewritten, node))
                obj[name] = rewritten; // reassigning the same child would throw: it already has this parent
        }
    }

    private static JsonNode? Rewrite(JsonNode? node, string fieldName, RedactionContext context, RedactionSummary summary)
    {
        switch (node)
        {
            case JsonObject obj when PersonalDataCipher.SubjectOf(obj) is { } subject:
                return Open(obj, subject, fieldName, context, summary);
            case JsonObject obj when obj.ContainsKey(PersonalDataEnvelope.Marker):
                // Every object with an enc member is an envelope (docs/ledger-format.md §7); a malformed one is
                // unreadable, never walked into and shown in the clear.
                return UnreadableText;
            case JsonObject obj:
                RewriteObject(obj, context, summary);
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    var rewritten = Rewrite(item, fieldName, context, summary);
                    if (!ReferenceEquals(rewritten, item))
                        array[i] = rewritten;
                }
                return array;
            default:
                return node;
        }
    }

    private static JsonNode? Open(JsonObject envelope, string subject, string fieldName, RedactionContext context, RedactionSummary summary)
    {
        summary.Saw(subject, fieldName);
        if (context.ErasedSubjects.TryGetValue(subject, out var erasedAt))
        {
            summary.SawErased(subject, erasedAt);
            return Erased(erasedAt);
        }
        if (!context.Reveal.Covers(subject, fieldName))
            return MaskedText;
        var value = PersonalDataCipher.Decrypt(envelope, fieldName, context.Keys.GetValueOrDefault(subject));
        switch (value.Status)
        {
            case PersonalValueStatus.Decrypted:
                summary.SawRevealed(subject, fieldName);
                return new JsonObject { [RevealedMember] = value.Value?.DeepClone() };
            case PersonalValueStatus.Erased:
                summary.SawErased(subject, null);
                return ErasedText;
            default:
                return UnreadableText;
        }
    }

    private static void Collect(JsonNode? node, HashSet<string> subjects)
    {
        switch (node)
        {
            case JsonObject obj when PersonalDataCipher.SubjectOf(obj) is { } subject:
                subjects.Add(subject);
                break;
            case JsonObject obj:
                foreach (var (_, child) in obj)
                    Collect(child, subjects);
                break;
            case JsonArray array:
                foreach (var child in array)
                    Collect(child, subjects);
                break;
        }
    }
}

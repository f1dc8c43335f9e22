using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Portal.Auth;

namespace AuditPortal.Portal.Redaction;

/// <summary>Whether personal-data envelopes are opened for this query.</summary>
public enum RedactionMode
{
    /// <summary>Envelopes become <see cref="RedactionPolicy.MaskedText"/> (or <see cref="RedactionPolicy.ErasedText"/>).</summary>
    Masked,

    /// <summary>Envelopes are decrypted with the subject keys; shredded subjects show <see cref="RedactionPolicy.ErasedText"/>.</summary>
    Unmasked,
}

/// <summary>What the policy needs besides the payloads: the mode, the subject keys (unmasked only) and the erased subjects.</summary>
public sealed record RedactionContext(
    RedactionMode Mode,
    IReadOnlyDictionary<string, byte[]> Keys,
    IReadOnlySet<string> ErasedSubjects)
{
    public static RedactionContext Masked(IReadOnlySet<string> erasedSubjects) =>
        new(RedactionMode.Masked, new Dictionary<string, byte[]>(), erasedSubjects);
}

/// <summary>
/// The redaction policy (docs/gateway.md, docs/ledger-format.md §7). Pure: no database, no clock.
/// <list type="bullet">
/// <item>Every personal-data envelope (<c>{"enc":"A256GCM","iv","ct","sub"}</c>) is masked for everyone.</item>
/// <item>An investigator who unmasked with a stated justification sees the decrypted value.</item>
/// <item>A crypto-shredded subject shows <see cref="ErasedText"/> for everyone.</item>
/// <item>Admins never unmask ledger personal data; auditors neither.</item>
/// </list>
/// </summary>
public static class RedactionPolicy
{
    public const string MaskedText = "[personal data: masked]";
    public const string ErasedText = "[erased]";
    public const string UnreadableText = "[personal data: unreadable]";

    /// <summary>May <paramref name="user"/> see decrypted personal data? Investigators only.</summary>
    public static bool MayUnmask(ClaimsPrincipal user) => user.IsInRole(PortalRoles.Investigator);

    /// <summary>The subject ids of every envelope in <paramref name="payloads"/>.</summary>
    public static IReadOnlySet<string> SubjectsIn(IEnumerable<JsonObject> payloads)
    {
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var payload in payloads)
            Collect(payload, subjects);
        return subjects;
    }

    /// <summary>Rewrites every envelope in <paramref name="payload"/> in place.</summary>
    public static void Apply(JsonObject payload, RedactionContext context)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(context);
        RewriteObject(payload, context);
    }

    private static void RewriteObject(JsonObject obj, RedactionContext context)
    {
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            var node = obj[name];
            var rewritten = Rewrite(node, name, context);
            if (!ReferenceEquals(rewritten, node))
                obj[name] = rewritten; // reassigning the same child would throw: it already has this parent
        }
    }

    private static JsonNode? Rewrite(JsonNode? node, string fieldName, RedactionContext context)
    {
        switch (node)
        {
            case JsonObject obj when PersonalDataCipher.SubjectOf(obj) is { } subject:
                return Open(obj, subject, fieldName, context);
            case JsonObject obj when obj.ContainsKey("enc"):
                // Every object with an enc member is an envelope (docs/ledger-format.md §7); a malformed one is
                // unreadable, never walked into and shown in the clear.
                return UnreadableText;
            case JsonObject obj:
                RewriteObject(obj, context);
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    var rewritten = Rewrite(item, fieldName, context);
                    if (!ReferenceEquals(rewritten, item))
                        array[i] = rewritten;
                }
                return array;
            default:
                return node;
        }
    }

    private static JsonNode? Open(JsonObject envelope, string subject, string fieldName, RedactionContext context)
    {
        if (context.ErasedSubjects.Contains(subject))
            return ErasedText;
        if (context.Mode == RedactionMode.Masked)
            return MaskedText;
        var value = PersonalDataCipher.Decrypt(envelope, fieldName, context.Keys.GetValueOrDefault(subject));
        return value.Status switch
        {
            PersonalValueStatus.Decrypted => value.Value?.DeepClone(),
            PersonalValueStatus.Erased => ErasedText,
            _ => UnreadableText,
        };
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

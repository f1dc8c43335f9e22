using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Appending;

/// <summary>
/// The payload of a <see cref="NewEvent"/>: a JSON object, either as given (canonicalized when appended) or
/// already canonical (<see cref="Canonical"/>).
/// </summary>
/// <remarks>
/// A <see cref="JsonObject"/> converts implicitly, so writers keep writing <c>Payload = new JsonObject { … }</c>,
/// and a payload that breaks the policy is reported with its batch index when appended. <see cref="Canonical"/>
/// checks and canonicalizes at once and keeps only the bytes. The demo generator uses it: its object trees
/// then die young instead of surviving, batch after batch, every garbage collection until the batch is
/// written, which made most of `ledger seed`'s GC pauses (docs/performance.md §1).
/// </remarks>
public sealed class EventPayload
{
    private readonly JsonObject? tree;
    private readonly byte[]? canonical;

    private EventPayload(JsonObject tree) => this.tree = tree;

    private EventPayload(byte[] canonical) => this.canonical = canonical;

    public static implicit operator EventPayload(JsonObject payload) =>
        new(payload ?? throw new ArgumentNullException(nameof(payload)));

    /// <summary>The canonical form of <paramref name="payload"/> (docs/ledger-format.md §2), made now.</summary>
    /// <exception cref="ArgumentException">A number outside the payload policy (integers within ±(2^53 − 1)).</exception>
    public static EventPayload Canonical(JsonObject payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new EventPayload(PayloadCanonicalizer.CanonicalizeUtf8(payload));
    }

    /// <summary>Bytes the caller has written in canonical form (<see cref="CanonicalObjectWriter"/>); not checked.</summary>
    internal static EventPayload FromCanonicalUtf8(byte[] canonical) => new(canonical);

    /// <summary>The canonical UTF-8 bytes: what the leaf hash covers and the payload column stores. Not to be modified.</summary>
    internal byte[] CanonicalUtf8() => canonical ?? PayloadCanonicalizer.CanonicalizeUtf8(tree);

    /// <summary>Whether the object has a top-level member <paramref name="name"/>.</summary>
    public bool HasMember(string name) => tree?.ContainsKey(name) ?? CanonicalMembers.IndexOf(canonical!, name).Start >= 0;

    /// <summary>
    /// Where the payload has an object with a member <c>enc</c> outside its personal fields (a JSON path), or null.
    /// Every such object is an envelope (docs/ledger-format.md §7) and only the appender writes envelopes, so a
    /// writer's plaintext may not hold one. Checked for payloads given as objects; canonical bytes come from
    /// <see cref="Canonical"/> or the demo generator, whose writers put no <c>enc</c> member in a payload.
    /// </summary>
    internal string? ObjectWithEncMember(IReadOnlyList<PersonalField> personalFields)
    {
        if (tree is null)
            return null;
        if (tree.ContainsKey(PersonalDataEnvelope.Marker))
            return "$";
        foreach (var (name, value) in tree)
        {
            if (!personalFields.Any(f => f.Name == name) && Find(value, "$." + name) is { } path)
                return path;
        }
        return null;

        static string? Find(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject obj when obj.ContainsKey(PersonalDataEnvelope.Marker):
                    return path;
                case JsonObject obj:
                    foreach (var (name, value) in obj)
                        if (Find(value, path + "." + name) is { } found) return found;
                    return null;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                        if (Find(array[i], $"{path}[{i}]") is { } found) return found;
                    return null;
                default:
                    return null;
            }
        }
    }

    /// <summary>A new <see cref="JsonObject"/> with the payload's members (for readers; changing it changes nothing here).</summary>
    public JsonObject ToJsonObject() => tree is not null ? (JsonObject)tree.DeepClone() : JsonNode.Parse(canonical)!.AsObject();

    /// <summary>The canonical JSON text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(CanonicalUtf8());
}

using System.Text.Json.Nodes;

namespace AuditPortal.Data.Projections;

/// <summary>
/// A versioned, pure fold of one stream type's events into a state object.
/// </summary>
/// <remarks>
/// <para><see cref="Apply"/> is a function of its arguments only: no clock, no culture, no I/O, no
/// randomness, no dictionary iteration order that is not itself fixed. The engine hands it a state
/// it owns (never reused afterwards) and a freshly parsed payload, so an implementation may change
/// and return the given state instead of copying it; that is still pure from the outside.</para>
/// <para>States are serialized with RFC 8785 (member order does not matter); amounts stay decimal
/// strings, formatted with invariant culture. Change <see cref="Version"/> whenever the output for
/// some input changes, so a stored or cited state names the rules that produced it.</para>
/// </remarks>
public interface IProjection
{
    /// <summary>The stream type this projection folds (<c>*</c> for the generic fallback).</summary>
    string StreamType { get; }

    /// <summary>Identifies the rules, e.g. <c>account/1</c>.</summary>
    string Version { get; }

    /// <summary>The state before any event (a new object on each call).</summary>
    JsonObject Initial();

    /// <summary>The state after <paramref name="e"/>; <paramref name="payload"/> is <paramref name="e"/>'s payload, parsed for this call.</summary>
    JsonObject Apply(JsonObject state, ProjectionEvent e, JsonObject payload);
}

/// <summary>The fields of an event a projection and the as-of engine need.</summary>
public sealed record ProjectionEvent(
    long Seq,
    long StreamSeq,
    Guid EventId,
    DateTime OccurredAt,
    DateTime RecordedAt,
    string Actor,
    string Action,
    string PayloadJson,
    Guid? Supersedes)
{
    /// <summary>A fresh parse of the payload; a payload that is not a JSON object gives an empty object.</summary>
    public JsonObject ParsePayload() => JsonNode.Parse(PayloadJson) as JsonObject ?? [];
}

/// <summary>
/// A projection that can fold some events straight from the payload's JSON text, without the
/// <see cref="JsonObject"/> that <see cref="IProjection.Apply"/> takes: parsing every payload into a DOM was about
/// half of the as-of replay's CPU time, and a projection usually reads a handful of members.
/// </summary>
/// <remarks>
/// <see cref="TryApplyText"/> must give exactly the state <see cref="IProjection.Apply"/> gives for
/// <c>e.ParsePayload()</c>, or return false without touching the state; the engine then takes the general path.
/// Tests cross-check both paths over generated demo ledgers (AsOfEngineEquivalenceTests).
/// </remarks>
public interface IPayloadTextProjection : IProjection
{
    bool TryApplyText(JsonObject state, ProjectionEvent e, string payloadJson);
}

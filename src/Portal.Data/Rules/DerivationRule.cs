using System.Text.Json.Nodes;

namespace AuditPortal.Data.Rules;

/// <summary>
/// A versioned derivation: a pure function from the lineage inputs (in recorded order) to the output payload.
/// The same object produces the demo ledger's derived events and replays them (docs/lineage.md).
/// </summary>
/// <remarks>
/// A rule may also <em>carry</em> members that come from the producer's state rather than from the inputs
/// (<see cref="CarriedMembers"/>: the form recipient's name and TIN, the holding a dividend is paid on). The
/// producer passes them in; replay takes them from the recorded output, so only the derived members are
/// re-computed. Which members are carried is part of the rule, listed for every rule in docs/lineage.md.
/// </remarks>
public abstract class DerivationRule
{
    public abstract string Id { get; }
    public abstract string Version { get; }

    /// <summary>The action of the events this rule version produces.</summary>
    public abstract string OutputAction { get; }

    /// <summary>Top-level output members taken from the producer's state, not derived from the inputs.</summary>
    public abstract IReadOnlyList<string> CarriedMembers { get; }

    /// <summary>
    /// The output payload: the members derived from <paramref name="inputs"/>, plus <paramref name="carried"/>'s
    /// members named in <see cref="CarriedMembers"/> (deep copies; others are ignored). Deterministic and pure.
    /// </summary>
    /// <exception cref="RuleInputException">The inputs or carried members do not fit the rule.</exception>
    public JsonObject Derive(IReadOnlyList<RuleInput> inputs, JsonObject carried)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(carried);
        var output = DeriveMembers(inputs, carried);
        foreach (var name in CarriedMembers)
        {
            if (!carried.TryGetPropertyValue(name, out var value))
                throw new RuleInputException($"{Id} {Version}: the carried member '{name}' is missing");
            output[name] = value?.DeepClone();
        }
        return output;
    }

    /// <summary>The derived members only. <paramref name="carried"/> is read-only here (some derivations need a carried value).</summary>
    protected abstract JsonObject DeriveMembers(IReadOnlyList<RuleInput> inputs, JsonObject carried);

    /// <summary>A string member of an input's payload, or a <see cref="RuleInputException"/> naming it.</summary>
    protected string Text(RuleInput input, string member)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Payload[member] is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw new RuleInputException($"{Id} {Version}: input {input.EventId} ({input.Action}) has no string '{member}'");
    }

    protected string Text(JsonObject payload, string member) =>
        payload[member] is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw new RuleInputException($"{Id} {Version}: the carried member '{member}' is not a string");

    public override string ToString() => Id + " " + Version;
}

using System.Text.Json.Nodes;

namespace AuditPortal.Data.Rules;

/// <summary>
/// <c>custody.dividend-entitlement</c> version <c>1</c>: a <c>cash.dividend_paid</c> from the instrument's
/// <c>instrument.dividend_declared</c> (its one input) and the holding it is paid on.
/// </summary>
/// <remarks>
/// Derived: <c>isin</c> (the declaration's instrument stream), <c>per_share</c> and <c>currency</c> (the
/// declaration's), <c>amount</c> = shares × per_share, in cents, rounded down (<see cref="Amount"/>).
/// Carried: <c>shares</c> (the account's holding), <c>reference</c> (the custodian's), <c>balance_after</c>
/// (the account's cash after the payment).
/// </remarks>
public sealed class DividendEntitlementRule : DerivationRule
{
    public const string RuleId = "custody.dividend-entitlement";
    public const string DeclarationAction = "instrument.dividend_declared";

    public override string Id => RuleId;
    public override string Version => "1";
    public override string OutputAction => "cash.dividend_paid";
    public override IReadOnlyList<string> CarriedMembers { get; } = ["reference", "shares", "balance_after"];

    /// <summary>Cents paid on <paramref name="shares"/> at <paramref name="perShare"/> (1/10,000 of the currency unit per share).</summary>
    public static long Amount(long shares, long perShare) => shares * perShare / 100;

    protected override JsonObject DeriveMembers(IReadOnlyList<RuleInput> inputs, JsonObject carried)
    {
        if (inputs.Count != 1)
            throw new RuleInputException($"{this}: wants exactly one input (the declaration), got {inputs.Count}");
        var declaration = inputs[0];
        if (declaration.Action != DeclarationAction)
            throw new RuleInputException($"{this}: input {declaration.EventId} is {declaration.Action}, not {DeclarationAction}");
        var perShareText = Text(declaration, "per_share");
        var perShare = FixedPoint.Parse(perShareText, 4, "per_share");
        var shares = FixedPoint.Parse(Text(carried, "shares"), 0, "shares");
        return new JsonObject
        {
            ["isin"] = declaration.Stream.Id,
            ["per_share"] = perShareText,
            ["amount"] = FixedPoint.Cents(Amount(shares, perShare)),
            ["currency"] = Text(declaration, "currency"),
        };
    }
}

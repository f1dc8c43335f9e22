using System.Globalization;
using System.Text.Json.Nodes;

namespace AuditPortal.Data.Rules;

/// <summary>
/// <c>tax.1099-B</c>, version <c>&lt;tax year&gt;.&lt;revision&gt;</c>: an account's 1099-B for a tax year from its
/// trades (docs/demo-domain.md, "Rules and lineage"). Revision 1 issues the form; revision 2 re-issues it
/// (<c>corrected</c> true) and adds <c>net_proceeds</c>.
/// </summary>
/// <remarks>
/// Derived: <c>form_type</c>, <c>account_id</c> (the inputs' account stream, one for all), <c>tax_year</c> (the
/// version's), <c>corrected</c>, <c>trade_count</c>, <c>proceeds</c> (Σ amount of sells), <c>purchases</c> (Σ amount
/// of buys), <c>commissions</c> (Σ commission), <c>currency</c> (the inputs', one for all), <c>net_proceeds</c>.
/// Carried: <c>recipient_name</c>, <c>recipient_tin</c> (the holder's, personal data, encrypted in the ledger).
/// </remarks>
public sealed class Form1099BRule : DerivationRule
{
    public const string RuleId = "tax.1099-B";
    public const string IssuedAction = "tax_form.issued";
    public const string CorrectedAction = "tax_form.corrected";

    public Form1099BRule(int taxYear, int revision)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(taxYear, 1900);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(taxYear, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(revision, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(revision, 2);
        TaxYear = taxYear;
        Revision = revision;
    }

    public int TaxYear { get; }
    public int Revision { get; }

    public static string VersionOf(int taxYear, int revision) =>
        taxYear.ToString(CultureInfo.InvariantCulture) + "." + revision.ToString(CultureInfo.InvariantCulture);

    public override string Id => RuleId;
    public override string Version => VersionOf(TaxYear, Revision);
    public override string OutputAction => Revision == 1 ? IssuedAction : CorrectedAction;
    public override IReadOnlyList<string> CarriedMembers { get; } = ["recipient_name", "recipient_tin"];

    protected override JsonObject DeriveMembers(IReadOnlyList<RuleInput> inputs, JsonObject carried)
    {
        if (inputs.Count == 0)
            throw new RuleInputException($"{this}: a form needs at least one trade");
        long proceeds = 0, purchases = 0, commissions = 0;
        var account = inputs[0].Stream;
        var currency = Text(inputs[0], "currency");
        foreach (var input in inputs)
        {
            if (input.Stream != account)
                throw new RuleInputException($"{this}: input {input.EventId} is in {input.Stream}, not in the form's account {account}");
            if (Text(input, "currency") != currency)
                throw new RuleInputException($"{this}: input {input.EventId} is in another currency than {currency}");
            var amount = FixedPoint.Parse(Text(input, "amount"), 2, $"input {input.EventId} amount");
            switch (Text(input, "side"))
            {
                case "sell": proceeds += amount; break;
                case "buy": purchases += amount; break;
                default: throw new RuleInputException($"{this}: input {input.EventId} has a side that is neither buy nor sell");
            }
            commissions += FixedPoint.Parse(Text(input, "commission"), 2, $"input {input.EventId} commission");
        }
        var payload = new JsonObject
        {
            ["form_type"] = "1099-B",
            ["account_id"] = account.Id,
            ["tax_year"] = TaxYear.ToString(CultureInfo.InvariantCulture),
            ["corrected"] = Revision >= 2,
            ["trade_count"] = inputs.Count,
            ["proceeds"] = FixedPoint.Cents(proceeds),
            ["purchases"] = FixedPoint.Cents(purchases),
            ["commissions"] = FixedPoint.Cents(commissions),
            ["currency"] = currency,
        };
        if (Revision >= 2) payload["net_proceeds"] = FixedPoint.Cents(proceeds - commissions);
        return payload;
    }
}

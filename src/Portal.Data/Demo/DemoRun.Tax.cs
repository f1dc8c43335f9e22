using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Rules;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Demo;

// Tax forms: the tax engine derives one 1099-B per account and tax year from that account's trades
// (lineage = the trades as they stood), and sometimes re-issues it under the next rule version.
internal sealed partial class DemoRun
{
    /// <summary>
    /// Collects a trade for the account's form of its business-time year. The demo compresses a
    /// tax year into a few trades: the form is issued once TaxTarget trades are pending (or when the
    /// account closes); later trades of that year are on no form.
    /// </summary>
    private void AddTaxLot(DemoAccount account, DemoTradeLot lot, int year)
    {
        if (year <= account.LastFormYear) return;
        if (account.TaxLots is null)
        {
            account.TaxYear = year;
            account.TaxTarget = account.Hot ? 24 : (int)random.Between(3, 12);
            account.TaxLots = new List<DemoTradeLot>(account.TaxTarget);
        }
        else if (year != account.TaxYear) return;

        account.TaxLots.Add(lot);
        if (account.TaxLots.Count >= account.TaxTarget) IssueForm(account);
    }

    private void IssueForm(DemoAccount account)
    {
        var form = new DemoTaxForm
        {
            Account = account,
            StreamId = account.Id + "/" + account.TaxYear.ToString(CultureInfo.InvariantCulture),
            Year = account.TaxYear,
            Lots = account.TaxLots!.ToArray(),
            Version = 1,
        };
        account.LastFormYear = account.TaxYear;
        account.TaxLots = null;
        form.Id = Emit("tax_form", form.StreamId, "tax_form.issued", taxEngine, FormPayload(form), ServiceLag(),
            FormPersonalFields(account), lineage: FormLineage(form));
        if (random.Chance(options.TaxReissueRate)) Schedule(FollowUpKind.TaxReissue, form, 50, 5_000);
    }

    /// <summary>
    /// Rule version 2 also reports net proceeds; the re-issue uses each trade as it now stands, so
    /// it also picks up trade corrections recorded since the first issue.
    /// </summary>
    private void ReissueForm(DemoTaxForm form)
    {
        form.Version++;
        form.Id = Emit("tax_form", form.StreamId, "tax_form.corrected", taxEngine, FormPayload(form), ServiceLag(),
            FormPersonalFields(form.Account), supersedes: form.Id, lineage: FormLineage(form));
    }

    private static DerivationRule FormRule(DemoTaxForm form) => RuleRegistry.Require(Form1099BRule.RuleId, Form1099BRule.VersionOf(form.Year, form.Version));

    private static LedgerLineage FormLineage(DemoTaxForm form)
    {
        var inputs = new Guid[form.Lots.Length];
        for (var i = 0; i < inputs.Length; i++) inputs[i] = form.Lots[i].Id;
        var rule = FormRule(form);
        return new LedgerLineage(inputs, rule.Id, rule.Version);
    }

    private static Appending.PersonalField[] FormPersonalFields(DemoAccount account) =>
        [new("recipient_name", account.SubjectId), new("recipient_tin", account.SubjectId)];

    /// <summary>The form by its rule version, from the trades as they stand now (the same members the ledger's trades carry).</summary>
    private static JsonObject FormPayload(DemoTaxForm form)
    {
        var inputs = new RuleInput[form.Lots.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var lot = form.Lots[i];
            inputs[i] = new RuleInput(lot.Id, new StreamKey("account", form.Account.Id), lot.Action, new JsonObject
            {
                ["side"] = lot.Sell ? "sell" : "buy",
                ["amount"] = DemoMoney.Cents(lot.Amount),
                ["commission"] = DemoMoney.Cents(lot.Commission),
                ["currency"] = Currency,
            });
        }
        var carried = new JsonObject
        {
            ["recipient_name"] = form.Account.HolderName,
            ["recipient_tin"] = form.Account.TaxId,
        };
        return FormRule(form).Derive(inputs, carried);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Demo;

// Tax forms: the tax engine derives one 1099-B per account and tax year from that account's trades
// (lineage = the trades as they stood), and sometimes re-issues it under the next rule version.
internal sealed partial class DemoRun
{
    public const string TaxRule = "tax.1099-B";

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
        form.Id = Emit("tax_form", form.StreamId, "tax_form.issued", taxEngine, FormPayload(form, corrected: false), ServiceLag(),
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
        form.Id = Emit("tax_form", form.StreamId, "tax_form.corrected", taxEngine, FormPayload(form, corrected: true), ServiceLag(),
            FormPersonalFields(form.Account), supersedes: form.Id, lineage: FormLineage(form));
    }

    private static LedgerLineage FormLineage(DemoTaxForm form)
    {
        var inputs = new Guid[form.Lots.Length];
        for (var i = 0; i < inputs.Length; i++) inputs[i] = form.Lots[i].Id;
        return new LedgerLineage(inputs, TaxRule,
            form.Year.ToString(CultureInfo.InvariantCulture) + "." + form.Version.ToString(CultureInfo.InvariantCulture));
    }

    private static Appending.PersonalField[] FormPersonalFields(DemoAccount account) =>
        [new("recipient_name", account.SubjectId), new("recipient_tin", account.SubjectId)];

    private static JsonObject FormPayload(DemoTaxForm form, bool corrected)
    {
        long proceeds = 0, purchases = 0, commissions = 0;
        foreach (var lot in form.Lots)
        {
            if (lot.Sell) proceeds += lot.Amount;
            else purchases += lot.Amount;
            commissions += lot.Commission;
        }
        var payload = new JsonObject
        {
            ["form_type"] = "1099-B",
            ["account_id"] = form.Account.Id,
            ["tax_year"] = form.Year.ToString(CultureInfo.InvariantCulture),
            ["corrected"] = corrected,
            ["recipient_name"] = form.Account.HolderName,
            ["recipient_tin"] = form.Account.TaxId,
            ["trade_count"] = form.Lots.Length,
            ["proceeds"] = DemoMoney.Cents(proceeds),
            ["purchases"] = DemoMoney.Cents(purchases),
            ["commissions"] = DemoMoney.Cents(commissions),
            ["currency"] = Currency,
        };
        if (form.Version >= 2) payload["net_proceeds"] = DemoMoney.Cents(proceeds - commissions);
        return payload;
    }
}

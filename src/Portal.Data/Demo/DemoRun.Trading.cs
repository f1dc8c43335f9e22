using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Rules;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Demo;

// Instruments, trades and cash movements, and their corrections. Trades and cash live in the
// account stream; amounts are decimal strings (money in cents, prices in 1/10,000).
internal sealed partial class DemoRun
{
    private const string Currency = "USD";

    private static readonly DerivationRule DividendRule = RuleRegistry.Require(DividendEntitlementRule.RuleId, "1");

    private void ListInstrument()
    {
        var index = instrumentsListed++;
        var stem = DemoCatalog.IssuerStems[index % DemoCatalog.IssuerStems.Length];
        var suffix = random.Pick(DemoCatalog.IssuerSuffixes);
        var instrument = new DemoInstrument
        {
            Isin = DemoCatalog.Isin(random),
            Name = index < DemoCatalog.IssuerStems.Length ? stem + " " + suffix : stem + " " + suffix + " Class B",
            Exchange = random.Pick(DemoCatalog.Exchanges),
            Price = random.Between(5, 900) * DemoMoney.PriceScale + random.Between(0, 99) * 100,
        };
        instruments[index] = instrument;
        Emit("instrument", instrument.Isin, "instrument.listed", custodyFeed, new JsonObject
        {
            ["isin"] = instrument.Isin,
            ["name"] = instrument.Name,
            ["exchange"] = instrument.Exchange,
            ["asset_class"] = "equity",
            ["currency"] = Currency,
            ["reference_price"] = DemoMoney.Price(instrument.Price),
        }, ServiceLag());
    }

    private void DeclareDividend()
    {
        var instrument = instruments[random.Next(instruments.Length)];
        instrument.DividendPerShare = random.Between(5, 250) * 100; // $0.05 – $2.50
        var payDate = new DateTime(recordedTicks, DateTimeKind.Utc).AddDays(14 + random.Next(14));
        instrument.DividendDeclaration = Emit("instrument", instrument.Isin, "instrument.dividend_declared", custodyFeed, new JsonObject
        {
            ["per_share"] = DemoMoney.Price(instrument.DividendPerShare),
            ["currency"] = Currency,
            ["ex_date"] = Date(payDate.AddDays(-10)),
            ["pay_date"] = Date(payDate),
        }, ServiceLag());
    }

    private void RenameInstrument()
    {
        var instrument = instruments[random.Next(instruments.Length)];
        var old = instrument.Name;
        instrument.Name = random.Pick(DemoCatalog.IssuerStems) + " " + random.Pick(DemoCatalog.IssuerSuffixes) + " Group";
        Emit("instrument", instrument.Isin, "instrument.renamed", custodyFeed, new JsonObject
        {
            ["old_name"] = old,
            ["new_name"] = instrument.Name,
        }, ServiceLag());
    }

    /// <summary>
    /// A buy or sell from the order router, or (viaCustody) a broker confirmation from the custody
    /// feed, which is sometimes late.
    /// </summary>
    private void Trade(DemoAccount account, bool viaCustody)
    {
        var slot = random.Next(account.Universe.Length);
        var instrument = instruments[account.Universe[slot]];
        instrument.Price = Math.Max(DemoMoney.PriceScale, instrument.Price + instrument.Price * random.Between(-50, 50) / 10_000);
        var price = instrument.Price;

        var position = account.Positions[slot];
        var sell = position > 0 && random.Chance(0.45);
        var quantity = sell ? random.Between(1, position) : account.Hot ? random.Between(100, 5_000) : random.Between(1, 200);
        var amount = (quantity * price + 50) / 100;
        var commission = account.Hot || random.Chance(0.3) ? 0 : random.Between(100, 999);

        if (!sell && account.Cash < amount + commission)
        {
            Deposit(account, amount + commission + random.Between(0, 500_000));
            return;
        }
        account.Cash += sell ? amount - commission : -(amount + commission);
        account.Positions[slot] += sell ? -quantity : quantity;

        var tradeId = "T" + (++tradeNumber).ToString("D9", CultureInfo.InvariantCulture);
        var actor = viaCustody ? custodyFeed : orderRouter;
        var payload = TradePayload(tradeId, instrument.Isin, sell, quantity, price, amount, commission,
            ("venue", viaCustody ? "OTC" : instrument.Exchange), ("source", viaCustody ? "broker_confirmation" : "order"));
        var id = Emit("account", account.Id, "trade.executed", actor, payload, viaCustody ? MaybeLate(ServiceLag()) : ServiceLag());

        var lot = new DemoTradeLot
        {
            Account = account,
            Id = id,
            TradeId = tradeId,
            Slot = slot,
            Sell = sell,
            Quantity = quantity,
            Price = price,
            Amount = amount,
            Commission = commission,
        };
        if (random.Chance(options.CorrectionRate)) Schedule(FollowUpKind.TradeCorrection, lot, 3, 3_000);
        AddTaxLot(account, lot, lastOccurred.Year);
    }

    // Trades are most of the demo's events: written straight into canonical form, without a tree.
    private EventPayload TradePayload(string tradeId, string isin, bool sell, long quantity, long price, long amount, long commission,
        params ReadOnlySpan<(string Name, string Value)> extra)
    {
        payloadWriter.String("trade_id", tradeId).String("isin", isin).String("side", sell ? "sell" : "buy")
            .String("quantity", DemoMoney.Integer(quantity)).String("price", DemoMoney.Price(price))
            .String("amount", DemoMoney.Cents(amount)).String("commission", DemoMoney.Cents(commission)).String("currency", Currency);
        foreach (var (name, value) in extra)
            payloadWriter.String(name, value);
        return payloadWriter.ToPayload();
    }

    /// <summary>The venue amended the price: a trade.corrected that supersedes the trade as it currently stands.</summary>
    private void CorrectTrade(DemoTradeLot lot)
    {
        var account = lot.Account;
        if (account.Closed) return;
        var price = Math.Max(1, lot.Price + lot.Price * random.Between(-30, 30) / 10_000 + (random.Chance(0.5) ? 1 : -1));
        var amount = (lot.Quantity * price + 50) / 100;
        account.Cash += lot.Sell ? amount - lot.Amount : lot.Amount - amount;

        var payload = TradePayload(lot.TradeId, instruments[account.Universe[lot.Slot]].Isin, lot.Sell, lot.Quantity, price, amount, lot.Commission,
            ("reason", random.Pick(DemoCatalog.CorrectionReasons)));
        var byOperator = random.Chance(0.5);
        lot.Id = Emit("account", account.Id, "trade.corrected", byOperator ? Operator() : orderRouter, payload,
            byOperator ? HumanLag() : ServiceLag(), supersedes: lot.Id);
        lot.Price = price;
        lot.Amount = amount;
        lot.Action = "trade.corrected";
    }

    private void Deposit(DemoAccount account, long amount)
    {
        if (amount <= 0) amount = account.Hot ? random.Between(1_000_000, 500_000_000) : random.Between(10_000, 5_000_000);
        account.Cash += amount;
        RecordCash(account, "cash.deposited", payments, amount, [("method", random.Chance(0.8) ? "ach" : "wire")]);
    }

    private void Withdraw(DemoAccount account, long amount)
    {
        if (amount <= 0)
        {
            if (account.Cash < 1_000)
            {
                Deposit(account, 0);
                return;
            }
            amount = random.Between(1_000, account.Cash);
        }
        account.Cash -= amount;
        var bankAccount = "021000021-" + random.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        RecordCash(account, "cash.withdrawn", payments, amount, [("method", "ach"), ("bank_account", bankAccount)],
            [new("bank_account", account.SubjectId)], correctable: false);
    }

    private void ChargeFee(DemoAccount account)
    {
        var amount = random.Between(100, 2_500);
        account.Cash -= amount;
        RecordCash(account, "cash.fee_charged", billing, amount, [("fee_type", random.Chance(0.7) ? "custody" : "wire")]);
    }

    /// <summary>Dividend entitlement from a declaration: lineage names the declaration; custody notices are sometimes late.</summary>
    private void PayDividend(DemoAccount account)
    {
        var slot = random.Next(account.Universe.Length);
        var instrument = instruments[account.Universe[slot]];
        var shares = account.Positions[slot];
        if (instrument.DividendDeclaration is not { } declaration || shares <= 0)
        {
            Trade(account, viaCustody: false);
            return;
        }
        var amount = DividendEntitlementRule.Amount(shares, instrument.DividendPerShare);
        account.Cash += amount;
        cashNumber++;
        var declared = new RuleInput(declaration, new StreamKey("instrument", instrument.Isin), DividendEntitlementRule.DeclarationAction, new JsonObject
        {
            ["per_share"] = DemoMoney.Price(instrument.DividendPerShare),
            ["currency"] = Currency,
        });
        var carried = new JsonObject
        {
            ["reference"] = "C" + cashNumber.ToString("D9", CultureInfo.InvariantCulture),
            ["shares"] = DemoMoney.Integer(shares),
            ["balance_after"] = DemoMoney.Cents(account.Cash),
        };
        var payload = DividendRule.Derive([declared], carried);
        Emit("account", account.Id, DividendRule.OutputAction, custodyFeed, payload, MaybeLate(ServiceLag()),
            lineage: new LedgerLineage([declaration], DividendRule.Id, DividendRule.Version));
    }

    private void RecordCash(DemoAccount account, string action, DemoActor actor, long amount, ReadOnlySpan<(string Name, string Value)> extra,
        Appending.PersonalField[]? personal = null, bool correctable = true)
    {
        var reference = "C" + (++cashNumber).ToString("D9", CultureInfo.InvariantCulture);
        foreach (var (name, value) in extra)
            payloadWriter.String(name, value);
        var payload = payloadWriter.String("reference", reference).String("amount", DemoMoney.Cents(amount))
            .String("currency", Currency).String("balance_after", DemoMoney.Cents(account.Cash)).ToPayload();
        var id = Emit("account", account.Id, action, actor, payload, ServiceLag(), personal);
        if (correctable && random.Chance(options.CorrectionRate))
        {
            var movement = new DemoCashMovement { Account = account, Id = id, Action = action, Reference = reference, Amount = amount };
            Schedule(FollowUpKind.CashCorrection, movement, 3, 3_000);
        }
    }

    /// <summary>A keyed-in deposit or fee amount was wrong: cash.corrected supersedes it with the right amount.</summary>
    private void CorrectCash(DemoCashMovement movement)
    {
        var account = movement.Account;
        if (account.Closed) return;
        var amount = Math.Max(1, movement.Amount + movement.Amount * random.Between(-20, 20) / 100 + 1);
        var credit = movement.Action == "cash.deposited";
        account.Cash += credit ? amount - movement.Amount : movement.Amount - amount;
        movement.Id = Emit("account", account.Id, "cash.corrected", Operator(), new JsonObject
        {
            ["reference"] = movement.Reference,
            ["corrects_action"] = movement.Action,
            ["amount"] = DemoMoney.Cents(amount),
            ["previous_amount"] = DemoMoney.Cents(movement.Amount),
            ["currency"] = Currency,
            ["balance_after"] = DemoMoney.Cents(account.Cash),
            ["reason"] = "amount_keyed_incorrectly",
        }, HumanLag(), supersedes: movement.Id);
        movement.Amount = amount;
    }
}

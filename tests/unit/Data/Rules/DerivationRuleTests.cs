using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Rules;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.Rules;

public sealed class DerivationRuleTests
{
    private static readonly StreamKey Account = new("account", "acc-000042");

    private static RuleInput Trade(string side, string amount, string commission, StreamKey? stream = null) =>
        new(Guid.CreateVersion7(), stream ?? Account, "trade.executed",
            new JsonObject { ["side"] = side, ["amount"] = amount, ["commission"] = commission, ["currency"] = "USD" });

    private static readonly JsonObject Recipient = new() { ["recipient_name"] = "A. Holder", ["recipient_tin"] = "912-70-1234" };

    [Fact]
    public void Form1099B_Revision1_SumsSellsBuysAndCommissions()
    {
        var rule = RuleRegistry.Require("tax.1099-B", "2024.1");
        var payload = rule.Derive([Trade("sell", "100.50", "1.00"), Trade("buy", "20.00", "0.00"), Trade("sell", "0.05", "2.25")], Recipient);

        EventPayload.Canonical(payload).ToString().ShouldBe(
            """{"account_id":"acc-000042","commissions":"3.25","corrected":false,"currency":"USD","form_type":"1099-B","proceeds":"100.55","purchases":"20.00","recipient_name":"A. Holder","recipient_tin":"912-70-1234","tax_year":"2024","trade_count":3}""");
        rule.OutputAction.ShouldBe("tax_form.issued");
    }

    [Fact]
    public void Form1099B_Revision2_AddsNetProceedsAndCorrected()
    {
        var payload = RuleRegistry.Require("tax.1099-B", "2024.2").Derive([Trade("sell", "10.00", "3.50")], Recipient);

        payload["net_proceeds"]!.GetValue<string>().ShouldBe("6.50");
        payload["corrected"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData("10.0")]
    [InlineData("10.000")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData("01.00")]
    [InlineData("١٠.00")]
    public void Form1099B_MalformedAmount_SaysWhich(string amount)
    {
        var rule = RuleRegistry.Require("tax.1099-B", "2024.1");
        Should.Throw<RuleInputException>(() => rule.Derive([Trade("buy", amount, "0.00")], Recipient)).Message.ShouldContain("amount");
    }

    [Fact]
    public void Form1099B_InputsOfTwoAccounts_Refused()
    {
        var rule = RuleRegistry.Require("tax.1099-B", "2024.1");
        Should.Throw<RuleInputException>(() => rule.Derive([Trade("buy", "1.00", "0.00"), Trade("buy", "1.00", "0.00", new StreamKey("account", "acc-9"))], Recipient))
            .Message.ShouldContain("acc-9");
    }

    [Fact]
    public void Form1099B_CarriedMemberMissing_Refused()
    {
        var rule = RuleRegistry.Require("tax.1099-B", "2024.1");
        Should.Throw<RuleInputException>(() => rule.Derive([Trade("buy", "1.00", "0.00")], new JsonObject { ["recipient_name"] = "x" }))
            .Message.ShouldContain("recipient_tin");
    }

    [Fact]
    public void Dividend_AmountFromSharesAndDeclaration()
    {
        var declaration = new RuleInput(Guid.CreateVersion7(), new StreamKey("instrument", "US0000000001"), "instrument.dividend_declared",
            new JsonObject { ["per_share"] = "0.2500", ["currency"] = "USD", ["ex_date"] = "2024-01-01", ["pay_date"] = "2024-01-11" });
        var payload = RuleRegistry.Require("custody.dividend-entitlement", "1").Derive([declaration],
            new JsonObject { ["reference"] = "C000000001", ["shares"] = "123", ["balance_after"] = "1030.75" });

        EventPayload.Canonical(payload).ToString().ShouldBe(
            """{"amount":"30.75","balance_after":"1030.75","currency":"USD","isin":"US0000000001","per_share":"0.2500","reference":"C000000001","shares":"123"}""");
    }

    [Fact]
    public void Dividend_WrongInputAction_Refused()
    {
        var notDeclaration = Trade("buy", "1.00", "0.00");
        Should.Throw<RuleInputException>(() => RuleRegistry.Require("custody.dividend-entitlement", "1")
            .Derive([notDeclaration], new JsonObject { ["reference"] = "C1", ["shares"] = "1", ["balance_after"] = "0.00" })).Message.ShouldContain("trade.executed");
    }

    [Theory]
    [InlineData("tax.1099-B", "2019.1", "no version '2019.1'")]
    [InlineData("tax.1099-B", "2024.3", "no version '2024.3'")]
    [InlineData("custody.dividend-entitlement", "2", "no version '2'")]
    [InlineData("fx.revaluation", "1", "no rule 'fx.revaluation'")]
    public void Registry_UnknownVersion_SaysSo(string id, string version, string problem)
    {
        RuleRegistry.Find(id, version, out var why).ShouldBeNull();
        why!.ShouldContain(problem);
        RuleRegistry.IsKnown(id, version).ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => RuleRegistry.Require(id, version));
    }

    [Fact]
    public void Registry_KnownVersions_AreTheirOwnKeys()
    {
        foreach (var (id, version) in RuleRegistry.Known)
        {
            var rule = RuleRegistry.Require(id, version);
            (rule.Id, rule.Version).ShouldBe((id, version));
        }
        RuleRegistry.IsKnown("tax.1099-B", "2024.2").ShouldBeTrue();
    }
}

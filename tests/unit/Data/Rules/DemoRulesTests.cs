using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Data.Rules;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.Rules;

/// <summary>
/// The demo generator and the rules are one code: every derived event the generator hands out is what its rule
/// gives over the inputs as the generator handed them out (before the appender encrypts anything).
/// </summary>
public sealed class DemoRulesTests
{
    [Fact]
    public void EveryDerivedDemoEvent_IsItsRuleOverItsInputs()
    {
        var events = new DemoLedgerGenerator(42, new DemoOptions()).Batches(60_000, 5_000).SelectMany(b => b).ToList();
        var byId = events.ToDictionary(e => e.EventId!.Value);
        var derived = events.Where(e => e.Lineage is not null).ToList();
        derived.Count.ShouldBeGreaterThan(300);
        foreach (var e in derived)
        {
            var rule = RuleRegistry.Require(e.Lineage!.RuleId, e.Lineage.RuleVersion);
            rule.OutputAction.ShouldBe(e.Action);
            var inputs = e.Lineage.Inputs.Select(id => byId[id]).Select(i =>
                new RuleInput(i.EventId!.Value, new StreamKey(i.StreamType, i.StreamId), i.Action, Payload(i))).ToList();
            EventPayload.Canonical(rule.Derive(inputs, Payload(e))).ToString().ShouldBe(e.Payload.ToString(), $"{e.StreamType}/{e.StreamId} {e.Action}");
        }
    }

    /// <summary>The form the issue names: on the 200,000-event dev ledger, tax_form/acc-000011/2024 has rule tax.1099-B 2024.1 and six inputs.</summary>
    [Fact]
    public void DevLedger_Acc11Form_HasSixTradesUnderTax1099B20241()
    {
        var form = new DemoLedgerGenerator(42, new DemoOptions()).Batches(200_000, 10_000).SelectMany(b => b)
            .First(e => e.StreamType == "tax_form" && e.StreamId == "acc-000011/2024");

        (form.Action, form.Lineage!.RuleId, form.Lineage.RuleVersion, form.Lineage.Inputs.Count).ShouldBe(("tax_form.issued", "tax.1099-B", "2024.1", 6));
    }

    private static JsonObject Payload(NewEvent e) => (JsonObject)JsonNode.Parse(e.Payload.ToString())!;
}

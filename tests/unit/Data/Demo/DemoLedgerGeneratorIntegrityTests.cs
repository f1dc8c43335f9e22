using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.Demo;

public sealed class DemoLedgerGeneratorIntegrityTests(DemoLedgerFixture fixture) : IClassFixture<DemoLedgerFixture>
{
    private List<NewEvent> Events => fixture.Events;

    [Fact]
    public void References_SupersedesAndLineageInputs_NameEarlierEvents()
    {
        var seen = new Dictionary<Guid, NewEvent>();
        foreach (var e in Events)
        {
            if (e.Supersedes is { } s)
            {
                seen.ShouldContainKey(s, $"{e.Action} {e.EventId} supersedes an unknown or later event");
                var original = seen[s];
                (original.StreamType, original.StreamId).ShouldBe((e.StreamType, e.StreamId), $"{e.Action} {e.EventId} corrects another stream");
            }
            foreach (var input in e.Lineage?.Inputs ?? [])
                seen.ShouldContainKey(input, $"{e.Action} {e.EventId} has an unknown or later lineage input");
            seen[e.EventId!.Value] = e;
        }
    }

    [Fact]
    public void Identity_EventIdsAndIdempotencyKeys_AreUnique()
    {
        Events.Select(e => e.EventId!.Value).Distinct().Count().ShouldBe(Events.Count);
        var keys = Events.Where(e => e.IdempotencyKey is not null).Select(e => e.IdempotencyKey!).ToList();
        keys.Distinct().Count().ShouldBe(keys.Count);
        Events.Where(e => e.Actor.StartsWith("svc:", StringComparison.Ordinal)).ShouldAllBe(e => e.IdempotencyKey != null);
    }

    [Fact]
    public void EventIds_AreUuidV7_AndIncreaseWithRecordedTime()
    {
        string? previousId = null;
        DateTime previousRecorded = default;
        foreach (var e in Events)
        {
            var text = e.EventId!.Value.ToString("D");
            text[14].ShouldBe('7', $"version nibble of {text}");
            "89ab".Contains(text[19], StringComparison.Ordinal).ShouldBeTrue($"variant of {text}");
            var bytes = e.EventId.Value.ToByteArray(bigEndian: true);
            var unixMs = 0L;
            for (var i = 0; i < 6; i++) unixMs = (unixMs << 8) | bytes[i];
            unixMs.ShouldBe((e.RecordedAt!.Value.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond);

            if (previousId is not null)
            {
                e.RecordedAt.Value.ShouldBeGreaterThan(previousRecorded);
                string.CompareOrdinal(text, previousId).ShouldBeGreaterThan(0, $"{text} after {previousId}");
            }
            previousId = text;
            previousRecorded = e.RecordedAt.Value;
        }
    }

    [Fact]
    public void Times_AreUtcMicroseconds_AndNeverInTheFuture()
    {
        Events[0].RecordedAt.ShouldBe(new DateTime(2024, 1, 2, 8, 0, 0, DateTimeKind.Utc));
        foreach (var e in Events)
        {
            e.RecordedAt!.Value.Kind.ShouldBe(DateTimeKind.Utc);
            e.OccurredAt.Kind.ShouldBe(DateTimeKind.Utc);
            LedgerTime.Truncate(e.RecordedAt.Value).ShouldBe(e.RecordedAt.Value);
            LedgerTime.Truncate(e.OccurredAt).ShouldBe(e.OccurredAt);
            e.OccurredAt.ShouldBeLessThanOrEqualTo(e.RecordedAt.Value);
        }
    }

    [Fact]
    public void Payloads_NumbersAreIntegers_AndPersonalFieldsArePresent()
    {
        foreach (var e in Events)
        {
            AssertNoFractionalNumbers(e.Payload.ToJsonObject(), e);
            foreach (var field in e.PersonalFields)
            {
                e.Payload.HasMember(field.Name).ShouldBeTrue($"{e.Action} lists personal field {field.Name} it lacks");
                field.SubjectId.ShouldStartWith("subj-");
            }
        }
        var opened = Events.First(e => e.Action == "account.opened");
        opened.PersonalFields.Select(f => f.Name).ShouldBe(["holder_name", "date_of_birth", "tax_id", "address"]);
    }

    [Fact]
    public void TaxForms_TotalsEqualTheSumOfTheirInputs()
    {
        var trades = new Dictionary<Guid, JsonObject>();
        var forms = 0;
        foreach (var e in Events)
        {
            if (e.Action is "trade.executed" or "trade.corrected") trades[e.EventId!.Value] = e.Payload.ToJsonObject();
            if (e.StreamType != "tax_form") continue;

            forms++;
            var lineage = e.Lineage.ShouldNotBeNull();
            lineage.RuleId.ShouldBe("tax.1099-B");
            lineage.RuleVersion.ShouldBe(e.Action == "tax_form.issued" ? "2024.1" : "2024.2");
            var form = e.Payload.ToJsonObject();
            e.StreamId.ShouldBe((string)form["account_id"]! + "/2024");
            long proceeds = 0, purchases = 0, commissions = 0;
            foreach (var input in lineage.Inputs)
            {
                var trade = trades[input];
                var amount = Cents(trade["amount"]);
                if ((string)trade["side"]! == "sell") proceeds += amount; else purchases += amount;
                commissions += Cents(trade["commission"]);
            }
            Cents(form["proceeds"]).ShouldBe(proceeds, $"form {e.EventId}");
            Cents(form["purchases"]).ShouldBe(purchases, $"form {e.EventId}");
            Cents(form["commissions"]).ShouldBe(commissions, $"form {e.EventId}");
            ((int)form["trade_count"]!).ShouldBe(lineage.Inputs.Count);
            if (e.Action == "tax_form.corrected")
            {
                e.Supersedes.ShouldNotBeNull();
                Cents(form["net_proceeds"]).ShouldBe(proceeds - commissions);
            }
        }
        forms.ShouldBeGreaterThan(10);
    }

    [Fact]
    public void Patterns_AllAppearInTheFirst20000Events()
    {
        Events.ShouldContain(e => e.Action == "trade.corrected" && e.Supersedes != null);
        Events.ShouldContain(e => e.Action == "cash.corrected" && e.Supersedes != null);
        Events.ShouldContain(e => e.Action == "tax_form.corrected");
        Events.ShouldContain(e => e.Action == "proxy_vote.cast");
        Events.ShouldContain(e => e.Action == "proxy_vote.changed");
        Events.ShouldContain(e => e.Action == "cash.dividend_paid" && e.Lineage != null);
        Events.ShouldContain(e => e.RecordedAt!.Value - e.OccurredAt >= TimeSpan.FromDays(7), "a late arrival");
        Events.ShouldContain(e => e.Action == DemoLedgerGenerator.ErasureAction);
        foreach (var actor in new[] { "svc:order-router", "svc:custody-feed", "svc:tax-engine", "svc:kyc" })
            Events.ShouldContain(e => e.Actor == actor, actor);
        Events.ShouldContain(e => !e.Actor.StartsWith("svc:", StringComparison.Ordinal) && e.ClientAddress!.StartsWith("127.0.", StringComparison.Ordinal));
    }

    [Fact]
    public void ShreddedSubjects_AreTheSubjectsThatRequestedErasure()
    {
        var requested = Events.Where(e => e.Action == DemoLedgerGenerator.ErasureAction).Select(e => e.StreamId).ToList();

        fixture.Generator.ShreddedSubjects.ShouldBe(requested);
        requested.ShouldNotBeEmpty();
        requested.ShouldAllBe(s => Events.Any(e => e.StreamType == "subject" && e.StreamId == s && e.Action == "subject.registered"));
    }

    [Fact]
    public void Scale_AccountsAreCapped_AndHotAccountsDominate()
    {
        var opened = Events.Count(e => e.Action == "account.opened");
        opened.ShouldBeLessThanOrEqualTo(1_000 + DemoLedgerFixture.Count / 500);

        var busiest = Events.Where(e => e.StreamType == "account").GroupBy(e => e.StreamId).Max(g => g.Count());
        // ≥ 7% of all events in one stream: at 10M events that stream holds far more than 10,000.
        busiest.ShouldBeGreaterThan(DemoLedgerFixture.Count * 7 / 100);
    }

    private static long Cents(JsonNode? node) => DemoMoney.Parse(node!.GetValue<string>(), 2);

    private static void AssertNoFractionalNumbers(JsonNode? node, NewEvent e)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o) AssertNoFractionalNumbers(child, e);
                break;
            case JsonArray a:
                foreach (var child in a) AssertNoFractionalNumbers(child, e);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                v.TryGetValue<int>(out _).ShouldBeTrue($"{e.Action}: a JSON number that is not an integer count");
                break;
        }
    }
}

using System.Text.Json.Nodes;
using AuditPortal.Data.Timeline;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.Timeline;

/// <summary>
/// Regression (issue 12): the timeline's "related events" (what a row corrects, or is corrected by, when that event
/// is not on the page) were read by a second, hand-written query that left out lineage. They are now read by the
/// timeline's own item query (<see cref="TimelineQuery.ReadRelatedAsync"/>), so they carry everything a row does.
/// </summary>
public sealed class RelatedEventsLineageTests(TimelineLedgerFixture ledger) : IClassFixture<TimelineLedgerFixture>, IAsyncLifetime
{
    private const string Stream = "acc-000001/2024";

    public async Task InitializeAsync()
    {
        if (ledger.Ids.ContainsKey("form"))
            return;
        var form = ledger.Ev("tax_form", Stream, "svc:tax-engine", "tax_form.issued", new JsonObject { ["form"] = "1099-B", ["total"] = "105.00" })
            with { Lineage = new LedgerLineage([ledger.Ids["trade-1"], ledger.Ids["trade-3"]], "tax.1099-B", "2024.1") };
        await ledger.AppendAsync([("form", form)]);
        var corrected = ledger.Ev("tax_form", Stream, "svc:tax-engine", "tax_form.corrected", new JsonObject { ["form"] = "1099-B", ["total"] = "110.00" })
            with { Supersedes = ledger.Ids["form"], Lineage = new LedgerLineage([ledger.Ids["trade-1"], ledger.Ids["correction"]], "tax.1099-B", "2024.2") };
        await ledger.AppendAsync([("form-corrected", corrected)]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task RelatedEvent_OffThePage_CarriesItsLineage()
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        var query = new TimelineQuery();
        // Only the correction is on the page; the form it corrects is a related event.
        var page = await query.ReadAsync(session.Connection, session.Transaction,
            new TimelineRequest { Stream = new StreamKey("tax_form", Stream), Action = "tax_form.corrected" });

        var related = await query.ReadRelatedAsync(session.Connection, session.Transaction, page.Items, TimelineQuery.DefaultLateArrivalThreshold);

        page.Items.Single().Lineage!.RuleVersion.ShouldBe("2024.2");
        var form = related.ShouldHaveSingleItem();
        form.EventId.ShouldBe(ledger.Ids["form"]);
        form.Lineage.ShouldNotBeNull("a related event must carry its lineage like any row");
        form.Lineage.Inputs.ShouldBe([ledger.Ids["trade-1"], ledger.Ids["trade-3"]]);
        form.Lineage.RuleId.ShouldBe("tax.1099-B");
        form.Lineage.RuleVersion.ShouldBe("2024.1");
        form.SupersededBy.ShouldBe([ledger.Ids["form-corrected"]]);
    }

    [Fact]
    public async Task RelatedEvents_AllOnThePage_NoneRead()
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        var query = new TimelineQuery();
        var page = await query.ReadAsync(session.Connection, session.Transaction, new TimelineRequest { Stream = new StreamKey("tax_form", Stream) });

        (await query.ReadRelatedAsync(session.Connection, session.Transaction, page.Items, TimelineQuery.DefaultLateArrivalThreshold)).ShouldBeEmpty();
    }
}

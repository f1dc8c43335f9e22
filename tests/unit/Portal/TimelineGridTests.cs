using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Timeline;
using AuditPortal.Portal;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Timeline;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Bunit;

namespace AuditPortal.Tests.Portal;

/// <summary>
/// The timeline grid in bUnit: corrections linked both ways (each link lands on its event), late arrivals
/// marked, the selected row expanded with its payload as key/value rows (raw JSON a click away), redacted
/// values shown as such, findings on their event, sorting by URL.
/// </summary>
public sealed class TimelineGridTests : PortalComponentTest
{
    private static readonly StreamKey Stream = new("account", "acc-000001");
    private static readonly DateTime T0 = new(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);
    private static readonly Guid Opened = Guid.Parse("0190a000-0000-7000-8000-000000000001");
    private static readonly Guid Trade = Guid.Parse("0190a000-0000-7000-8000-000000000002");
    private static readonly Guid Correction = Guid.Parse("0190a000-0000-7000-8000-000000000003");
    private static readonly Guid LateNotice = Guid.Parse("0190a000-0000-7000-8000-000000000004");
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(PersonalDataCipher.KeySize);

    private static TimelineItem Item(long streamSeq, Guid id, string action, DateTime occurred, DateTime recorded,
        Guid? supersedes = null, Guid[]? supersededBy = null, bool late = false) =>
        new(streamSeq * 10, streamSeq, id, occurred, recorded, "svc:test", action, null, 1, action + " summary", "{}",
            supersedes, supersededBy ?? [], null, late);

    private static JsonObject Envelope(string field, string clear) => new PersonalDataCipher().Encrypt("subj-000001", field, clear, Key);

    private static TimelineView View(IReadOnlyList<TimelineRow> rows, IReadOnlyDictionary<Guid, TimelineRow>? related = null, ProofBadge? proof = null,
        long? selected = null) =>
        new(TimelineCriteria.For(Stream).Select(selected), new TimelinePage(Stream, rows.Select(r => r.Item).ToList(), 4, new MatchCount(4, true), null),
            rows, related ?? new Dictionary<Guid, TimelineRow>(), proof);

    private IRenderedComponent<TimelineGrid> Render(TimelineView view, Action<long?>? onSelect = null) =>
        Render<TimelineGrid>(p => p.Add(x => x.View, view).Add(x => x.OnSelect, onSelect ?? (_ => { })));

    private static IElement RowOf(IRenderedComponent<TimelineGrid> cut, long streamSeq) =>
        cut.Find($"[data-testid=event][data-stream-seq='{streamSeq}']").ParentElement!;

    [Fact]
    public void CorrectionOnSamePage_LinksBothWays_ToTheSameViewWithThatEventSelected()
    {
        var cut = Render(View([
            new(Item(2, Trade, "trade.executed", T0, T0, supersededBy: [Correction]), []),
            new(Item(3, Correction, "trade.corrected", T0, T0.AddHours(1), supersedes: Trade), []),
        ]));

        var correction = RowOf(cut, 3).QuerySelector("[data-testid=correction-link]")!;
        correction.GetAttribute("href").ShouldBe("/timeline/account/acc-000001?event=2#event-2");
        correction.TextContent.ShouldBe("corrects #2");
        RowOf(cut, 2).QuerySelector("[data-testid=superseded-by-link]")!.GetAttribute("href").ShouldBe("/timeline/account/acc-000001?event=3#event-3");
        cut.Find("[data-stream-seq='2']").Id.ShouldBe("event-2");
        cut.FindAll("[data-testid=related-event]").ShouldBeEmpty();
    }

    [Fact]
    public void CorrectedEventOnAnotherPage_IsShownInline_AndLinksToThePageThatHoldsIt()
    {
        var trade = new TimelineRow(Item(2, Trade, "trade.executed", T0, T0, supersededBy: [Correction]), []);
        var cut = Render(View([new(Item(3, Correction, "trade.corrected", T0, T0.AddHours(1), supersedes: Trade), [])],
            new Dictionary<Guid, TimelineRow> { [Trade] = trade }));

        var related = cut.Find("[data-testid=related-event]");
        related.Id.ShouldBe("related-2");
        related.ParentElement!.TextContent.ShouldContain("not on this page");
        related.ParentElement!.QuerySelector("[data-testid=summary]")!.TextContent.ShouldBe("trade.executed summary");
        related.ParentElement!.ClassList.ShouldContain("portal-row-related");
        RowOf(cut, 3).QuerySelector("[data-testid=correction-link]")!.GetAttribute("href").ShouldBe(PortalUrls.TimelineEvent("account", "acc-000001", 2));
    }

    [Fact]
    public void LateArrival_HasBadgeWithLag_OthersDoNot()
    {
        var cut = Render(View([
            new(Item(1, Opened, "account.opened", T0, T0), []),
            new(Item(4, LateNotice, "dividend.entitled", T0, T0.AddDays(3), late: true), []),
        ]));

        RowOf(cut, 4).QuerySelector("[data-testid=late-badge]")!.TextContent.Trim().ShouldBe("late arrival (+3 d)");
        RowOf(cut, 1).QuerySelector("[data-testid=late-badge]").ShouldBeNull();
        RowOf(cut, 4).QuerySelector("[data-testid=occurred-at]")!.TextContent.ShouldBe("2024-03-01 09:30:00.000 UTC");
        RowOf(cut, 4).QuerySelector("[data-testid=recorded-at]")!.TextContent.ShouldBe("2024-03-04 09:30:00.000 UTC");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SelectedRow_IsExpanded_PayloadAsKeyValueRows_MaskedNeverTheEnvelope_RawJsonOneClickAway(bool atRest)
    {
        var payload = new JsonObject
        {
            ["holder_name"] = Envelope("holder_name", "Alice Example"),
            ["address"] = new JsonObject { ["street"] = Envelope("street", "Main St 1"), ["country"] = "DE" },
            ["status"] = "pending_kyc",
        };
        RedactionPolicy.Apply(payload, RedactionContext.Masked(new Dictionary<string, DateTimeOffset?>()));
        var view = View([new(Item(1, Opened, "account.opened", T0, T0), payload), new(Item(2, Trade, "trade.executed", T0, T0), [])], selected: 1);
        // At rest (as the page keeps a view): the redacted payload as text, parsed again for the expanded row only.
        var cut = Render(atRest ? view.AtRest() : view);

        cut.FindAll("[data-testid=event-details]").Count.ShouldBe(1, "only the selected row is expanded");
        RowOf(cut, 1).ClassList.ShouldContain("portal-row-selected");
        var fields = cut.FindAll("[data-testid=fields] tr").Select(r => (r.QuerySelector("th")!.TextContent.Trim(), r.QuerySelector("td")!.TextContent.Trim())).ToList();
        fields.ShouldBe([("/holder_name", RedactionPolicy.MaskedText), ("/address/street", RedactionPolicy.MaskedText), ("/address/country", "DE"), ("/status", "pending_kyc")]);
        cut.Find("[data-testid=masked-fields]").TextContent.ShouldBe("Redacted: /holder_name, /address/street");
        cut.Markup.ShouldNotContain("A256GCM");
        cut.Markup.ShouldNotContain("Alice Example");

        cut.Find("[data-testid=raw-toggle]").Click();

        cut.Find("[data-testid=raw-json]").TextContent.ShouldBe(
            """{"address":{"country":"DE","street":"[personal data: masked]"},"holder_name":"[personal data: masked]","status":"pending_kyc"}""");
        cut.FindAll("[data-testid=fields]").ShouldBeEmpty();
    }

    [Fact]
    public void ExpandButton_SelectsTheRow_AndOnASelectedRowUnselects()
    {
        long? selected = -1;
        var cut = Render(View([new(Item(1, Opened, "account.opened", T0, T0), []), new(Item(2, Trade, "trade.executed", T0, T0), [])], selected: 1),
            s => selected = s);

        RowOf(cut, 2).QuerySelector("[data-testid=expand]")!.GetAttribute("aria-expanded").ShouldBe("false");
        cut.Find("[data-stream-seq='2'] [data-testid=expand]").Click();
        selected.ShouldBe(2);
        cut.Find("[data-stream-seq='1'] [data-testid=expand]").Click();
        selected.ShouldBeNull();
    }

    [Fact]
    public void ProofFinding_IsShownOnTheEventItConcerns()
    {
        var finding = new Finding(FindingKind.StreamChainBroken, 20, Stream, 2, "aa", "bb", "stream_prev_hash does not link its predecessor");
        var proof = new StreamProof(Stream, StreamProofStatus.Failed, 3, 30, 3, null, null, null, null, [], 3, [finding]);
        var cut = Render(View([
            new(Item(1, Opened, "account.opened", T0, T0), []),
            new(Item(2, Trade, "trade.executed", T0, T0), []),
        ], proof: new ProofBadge(proof, T0, FromCache: false)));

        RowOf(cut, 2).QuerySelector("[data-testid=finding]")!.TextContent.ShouldContain("stream_prev_hash does not link its predecessor");
        RowOf(cut, 2).ClassList.ShouldContain("portal-row-finding");
        RowOf(cut, 1).QuerySelector("[data-testid=finding]").ShouldBeNull();
    }

    [Fact]
    public void SortHeaders_LinkToTheFirstPageInThatOrder_CurrentOneFlipsDirection()
    {
        var cut = Render(View([new(Item(1, Opened, "account.opened", T0, T0), [])], selected: 1));

        cut.Find("[data-testid=sort-seq]").GetAttribute("href").ShouldBe("/timeline/account/acc-000001?dir=desc");
        cut.Find("[data-testid=sort-seq]").GetAttribute("aria-sort").ShouldBe("ascending");
        cut.Find("[data-testid=sort-business]").GetAttribute("href").ShouldBe("/timeline/account/acc-000001?order=business");
        cut.Find("[data-testid=sort-system]").GetAttribute("aria-sort").ShouldBe("none");
    }

    [Fact]
    public void AViewAtRest_KeepsOnlyTheRedactedText_NeverTheEnvelopeOrAParsedPayload()
    {
        var payload = new JsonObject { ["holder_name"] = Envelope("holder_name", "Alice Example"), ["status"] = "active" };
        var stored = payload.ToJsonString();
        RedactionPolicy.Apply(payload, RedactionContext.Masked(new Dictionary<string, DateTimeOffset?>()));
        var item = Item(1, Opened, "account.opened", T0, T0) with { PayloadJson = stored };
        var related = new TimelineRow(Item(2, Trade, "trade.executed", T0, T0) with { PayloadJson = stored }, payload.DeepClone().AsObject());

        var rest = View([new(item, payload)], new Dictionary<Guid, TimelineRow> { [Trade] = related }).AtRest();

        foreach (var row in rest.Rows.Concat(rest.Related.Values))
        {
            row.Payload.ShouldBeNull();
            row.Item.PayloadJson.ShouldBeEmpty();
            System.Text.Encoding.UTF8.GetString(row.RedactedUtf8.ShouldNotBeNull()).ShouldNotContain("A256GCM");
            row.RedactedPayload()["holder_name"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        }
        rest.Page.Items.ShouldAllBe(i => i.PayloadJson.Length == 0);
        rest.Payloads.ShouldBeEmpty("a view at rest was redacted when it was loaded");
    }

    [Fact]
    public void HostileActorSummaryAndAnnotation_AreShownAsText_NeverAsMarkup()
    {
        const string hostile = "<img src=x onerror=alert(1)>\u202e\"'&";
        var item = Item(1, Opened, "account.opened", T0, T0) with { Actor = hostile, Summary = hostile };
        var note = new AuditPortal.Data.Workspace.Annotation
        {
            EventId = Opened, StreamType = Stream.Type, StreamId = Stream.Id, StreamSeq = 1, Starred = true, Label = hostile, Comment = hostile,
            UpdatedBy = "inv1",
        };
        var cut = Render<TimelineGrid>(p => p.Add(x => x.View, View([new(item, [])]))
            .Add(x => x.Annotations, new Dictionary<Guid, AuditPortal.Data.Workspace.Annotation> { [Opened] = note }));

        var row = RowOf(cut, 1);
        row.QuerySelector("[data-testid=actor]")!.TextContent.ShouldBe(hostile);
        row.QuerySelector("[data-testid=summary]")!.TextContent.ShouldBe(hostile);
        row.QuerySelector("[data-testid=annotation-label]")!.TextContent.ShouldBe(hostile);
        row.QuerySelector("[data-testid=annotation-comment]")!.TextContent.ShouldBe(hostile);
        row.QuerySelector("[data-testid=annotation-star]").ShouldNotBeNull();
        cut.FindAll("img").ShouldBeEmpty();
    }

    [Fact]
    public void FiftyRows_AreOneComponentsMarkup_NotAComponentPerCellChipLinkOrIcon()
    {
        var rows = Enumerable.Range(1, 50).Select(i => new TimelineRow(
            Item(i, Guid.NewGuid(), "trade.executed", T0, T0.AddDays(i % 3 == 0 ? 3 : 0), late: i % 3 == 0,
                supersedes: i % 5 == 0 ? Opened : null), [])).ToList();
        var cut = Render(View(rows, selected: 7));

        cut.FindAll("[data-testid=event]").Count.ShouldBe(50);
        cut.FindAll("[data-testid=late-badge]").Count.ShouldBe(16);
        cut.FindAll("[data-testid=expand]").Count.ShouldBe(50);
        // The grid, its three sort headers and the one expanded row's details (whose MudBlazor parts are few and
        // do not grow with the page): before, the same page was ~4,000 components.
        var components = cut.FindComponents<Microsoft.AspNetCore.Components.IComponent>().Count;
        components.ShouldBeLessThan(40, $"{components} components for 50 rows");
        cut.FindComponents<MudBlazor.MudChip<string>>().ShouldBeEmpty();
        cut.FindComponents<MudBlazor.MudTd>().ShouldBeEmpty();
    }
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AngleSharp.Dom;
using AuditPortal.Data.Timeline;
using AuditPortal.Portal.Timeline;
using AuditPortal.Portal.Redaction;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Portal;

/// <summary>The timeline rows as rendered HTML: corrections linked both ways, late arrivals marked, redacted values shown as such, findings in place.</summary>
public sealed class TimelineRowsTests
{
    private static readonly StreamKey Stream = new("account", "acc-000001");
    private static readonly DateTime T0 = new(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);
    private static readonly Guid Opened = Guid.Parse("0190a000-0000-7000-8000-000000000001");
    private static readonly Guid Trade = Guid.Parse("0190a000-0000-7000-8000-000000000002");
    private static readonly Guid Correction = Guid.Parse("0190a000-0000-7000-8000-000000000003");
    private static readonly Guid LateNotice = Guid.Parse("0190a000-0000-7000-8000-000000000004");

    private static TimelineItem Item(long streamSeq, Guid id, string action, DateTime occurred, DateTime recorded,
        Guid? supersedes = null, Guid[]? supersededBy = null, bool late = false) =>
        new(streamSeq * 10, streamSeq, id, occurred, recorded, "svc:test", action, null, 1, action + " summary", "{}",
            supersedes, supersededBy ?? [], null, late);

    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(PersonalDataCipher.KeySize);

    private static JsonObject Envelope(string field, string clear) => new PersonalDataCipher().Encrypt("subj-000001", field, clear, Key);

    private static TimelineView View(IReadOnlyList<TimelineRow> rows, IReadOnlyDictionary<Guid, TimelineRow>? related = null, ProofBadge? proof = null) =>
        new(TimelineCriteria.For(Stream), new TimelinePage(Stream, rows.Select(r => r.Item).ToList(), 4, new MatchCount(4, true), null),
            rows, related ?? new Dictionary<Guid, TimelineRow>(), proof);

    private static Task<IDocument> RenderAsync(TimelineView view) =>
        ComponentRenderer.RenderAsync<TimelineRows>(new Dictionary<string, object?> { ["View"] = view });

    private static IElement RowOf(IDocument doc, long streamSeq) =>
        doc.QuerySelector($"tr[data-stream-seq='{streamSeq}']") ?? throw new InvalidOperationException($"no row for #{streamSeq}");

    [Fact]
    public async Task Render_CorrectionOnSamePage_LinksBothWays()
    {
        var view = View([
            new(Item(2, Trade, "trade.executed", T0, T0, supersededBy: [Correction]), []),
            new(Item(3, Correction, "trade.corrected", T0, T0.AddHours(1), supersedes: Trade), []),
        ]);

        var doc = await RenderAsync(view);

        var correction = RowOf(doc, 3).QuerySelector("[data-testid=correction-link]")!;
        correction.GetAttribute("href").ShouldBe("#event-2");
        correction.TextContent.ShouldBe("corrects #2");
        var back = RowOf(doc, 2).QuerySelector("[data-testid=superseded-by-link]")!;
        back.GetAttribute("href").ShouldBe("#event-3");
        RowOf(doc, 2).Id.ShouldBe("event-2");
        doc.QuerySelectorAll("[data-testid=related-event]").ShouldBeEmpty();
    }

    [Fact]
    public async Task Render_CorrectedEventOnAnotherPage_IsShownInlineNextToTheCorrection()
    {
        var trade = new TimelineRow(Item(2, Trade, "trade.executed", T0, T0, supersededBy: [Correction]), []);
        var view = View([new(Item(3, Correction, "trade.corrected", T0, T0.AddHours(1), supersedes: Trade), [])],
            new Dictionary<Guid, TimelineRow> { [Trade] = trade });

        var doc = await RenderAsync(view);

        var related = doc.QuerySelector("[data-testid=related-event]")!;
        related.Id.ShouldBe("related-2");
        related.TextContent.ShouldContain("not on this page");
        related.QuerySelector("[data-testid=summary]")!.TextContent.ShouldBe("trade.executed summary");
        RowOf(doc, 3).QuerySelector("[data-testid=correction-link]")!.GetAttribute("href").ShouldBe("#related-2");
    }

    [Fact]
    public async Task Render_LateArrival_HasBadgeWithLag_OthersDoNot()
    {
        var view = View([
            new(Item(1, Opened, "account.opened", T0, T0), []),
            new(Item(4, LateNotice, "dividend.entitled", T0, T0.AddDays(3), late: true), []),
        ]);

        var doc = await RenderAsync(view);

        RowOf(doc, 4).QuerySelector("[data-testid=late-badge]")!.TextContent.ShouldBe("late arrival (+3 d)");
        RowOf(doc, 1).QuerySelector("[data-testid=late-badge]").ShouldBeNull();
        RowOf(doc, 4).QuerySelector("[data-testid=occurred-at]")!.TextContent.ShouldBe("2024-03-01 09:30:00.000 UTC");
        RowOf(doc, 4).QuerySelector("[data-testid=recorded-at]")!.TextContent.ShouldBe("2024-03-04 09:30:00.000 UTC");
    }

    [Fact]
    public async Task Render_PersonalField_AfterMaskedRedaction_ShowsMaskedNeverTheEnvelope()
    {
        var payload = new JsonObject { ["holder_name"] = Envelope("holder_name", "Alice Example"), ["address"] = new JsonObject { ["street"] = Envelope("street", "Main St 1"), ["country"] = "DE" }, ["status"] = "pending_kyc" };
        RedactionPolicy.Apply(payload, RedactionContext.Masked(new HashSet<string>()));

        var doc = await RenderAsync(View([new(Item(1, Opened, "account.opened", T0, T0), payload)]));

        var shown = RowOf(doc, 1).QuerySelector("details [data-testid=payload]")!.TextContent;
        shown.ShouldContain("\"holder_name\": \"[personal data: masked]\"");
        shown.ShouldContain("\"country\": \"DE\"");
        shown.ShouldNotContain("A256GCM");
        shown.ShouldNotContain("Alice Example");
        shown.ShouldNotContain("\"ct\"");
        RowOf(doc, 1).QuerySelector("[data-testid=masked-fields]")!.TextContent.ShouldBe("Redacted: /holder_name, /address/street");
        RowOf(doc, 1).QuerySelector("details > summary")!.TextContent.ShouldBe("Payload (2 personal field(s) redacted)");
    }

    [Fact]
    public async Task Render_ProofFinding_IsShownOnTheEventItConcerns()
    {
        var finding = new Finding(FindingKind.StreamChainBroken, 20, Stream, 2, "aa", "bb", "stream_prev_hash does not link its predecessor");
        var proof = new StreamProof(Stream, StreamProofStatus.Failed, 3, 30, 3, null, null, null, null, [], 3, [finding]);
        var view = View([
            new(Item(1, Opened, "account.opened", T0, T0), []),
            new(Item(2, Trade, "trade.executed", T0, T0), []),
        ], proof: new ProofBadge(proof, T0, FromCache: false));

        var doc = await RenderAsync(view);

        RowOf(doc, 2).QuerySelector("[data-testid=finding]")!.TextContent.ShouldContain("stream_prev_hash does not link its predecessor");
        RowOf(doc, 2).ClassList.ShouldContain("table-danger");
        RowOf(doc, 1).QuerySelector("[data-testid=finding]").ShouldBeNull();
    }
}

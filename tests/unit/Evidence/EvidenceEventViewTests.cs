using System.Text.Json.Nodes;
using AuditPortal.Evidence;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Evidence;

/// <summary>How one exported event reads in the PDF: hostile values shown, not obeyed; personal fields as the presenter says; marks.</summary>
public sealed class EvidenceEventViewTests
{
    private static EvidenceEvent Event(JsonObject payload, string actor = "svc:test", string occurred = "2024-01-01T00:00:00.000000Z", string recorded = "2024-01-01T00:00:01.000000Z") => new()
    {
        Seq = 7,
        LeafIndex = 6,
        LeafHash = new string('0', 64),
        InclusionProof = [],
        Canonical = new JsonObject
        {
            ["action"] = "thing.happened", ["actor"] = actor, ["event_id"] = "01890a5d-ac96-774b-bcce-000000000007",
            ["occurred_at"] = occurred, ["recorded_at"] = recorded, ["payload"] = payload.DeepClone(), ["stream_seq"] = 3,
            ["supersedes"] = null, ["lineage"] = null,
        }.ToJsonString(),
    };

    private static readonly JsonObject Envelope = new() { ["ct"] = Convert.ToBase64String(new byte[20]), ["enc"] = "A256GCM", ["iv"] = Convert.ToBase64String(new byte[12]), ["sub"] = "s-1" };

    [Fact]
    public void HostileValues_AreEscapedAndCapped()
    {
        var view = EvidenceEventView.Read(Event(new JsonObject { ["note"] = "a\nholder: x\u202Eevil", ["long"] = new string('z', 10_000) }, actor: "eve\nmallory"), new MaskingPresenter(new HashSet<string>()));
        view.Actor.ShouldBe("eve\\u{000A}mallory");
        view.Fields.Single(f => f.Path == "note").Text.ShouldBe("a\\u{000A}holder: x\\u{202E}evil");
        var text = view.Fields.Single(f => f.Path == "long").Text;
        text.Length.ShouldBeLessThan(2_100);
        text.ShouldContain("8000 more characters");
    }

    [Fact]
    public void PersonalFields_MaskedOrErased_NestedPathsNamed()
    {
        var payload = new JsonObject { ["holder"] = Envelope.DeepClone(), ["address"] = new JsonObject { ["city"] = "Bonn", ["lines"] = new JsonArray("x", "y") } };
        var masked = EvidenceEventView.Read(Event(payload), new MaskingPresenter(new HashSet<string>()));
        masked.Fields.Single(f => f.Path == "holder").Text.ShouldBe("[personal data: masked]");
        masked.Fields.Select(f => f.Path).ShouldBe(["holder", "address.city", "address.lines[0]", "address.lines[1]"]);
        var erased = EvidenceEventView.Read(Event(payload), new MaskingPresenter(new HashSet<string> { "s-1" }));
        erased.Fields.Single(f => f.Path == "holder").Text.ShouldBe("[erased]");
    }

    [Theory]
    [InlineData("2024-01-01T00:00:00.000000Z", "2024-01-02T00:00:00.000000Z", true)]
    [InlineData("2024-01-01T00:00:00.000000Z", "2024-01-01T23:59:59.999999Z", false)]
    public void LateArrival_FromTheTimelinesThreshold(string occurred, string recorded, bool late) =>
        EvidenceEventView.Read(Event(new JsonObject(), occurred: occurred, recorded: recorded), new MaskingPresenter(new HashSet<string>())).LateArrival.ShouldBe(late);
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Projections;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Timeline;
using Bunit;

namespace AuditPortal.Tests.Portal;

/// <summary>
/// Regression (issue 12): the diff page compared encrypted envelopes member by member, so a changed
/// personal field appeared as <c>/address/ct</c> and <c>/address/iv</c> with base64 ciphertext for everyone.
/// A personal field is one value: masked on both sides, or decrypted under an investigator's unmask.
/// </summary>
public sealed class DiffOfEncryptedFieldsTests : PortalComponentTest
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(PersonalDataCipher.KeySize);
    private static readonly PersonalDataCipher Cipher = new();

    private static JsonObject State(string street, string status) => new()
    {
        ["address"] = Cipher.Encrypt("subj-000001", "address", new JsonObject { ["street"] = street, ["city"] = "Berlin" }, Key),
        ["status"] = status,
    };

    private static IReadOnlyList<DiffRow> Rows() =>
        StateDiff.Compare(State("Main St 1", "active"), State("Elm St 2", "closed")).Select(DiffRow.From).ToList();

    [Fact]
    public void StateDiff_ChangedEnvelope_IsOneChangeAtTheFieldsPath_NeverItsMembers()
    {
        var changes = StateDiff.Compare(State("Main St 1", "active"), State("Elm St 2", "active"));

        changes.Select(c => c.Path).ShouldBe(["/address"]);
        changes[0].Kind.ShouldBe(ChangeKind.Changed);
    }

    [Fact]
    public void DiffRows_Masked_ShowTheMarkerOnBothSides()
    {
        var rows = Rows();
        foreach (var row in rows)
            RedactionPolicy.Apply(row.Values, RedactionContext.Masked(new Dictionary<string, DateTimeOffset?>()));

        rows.Select(r => r.Change.Path).ShouldBe(["/address", "/status"]);
        rows[0].Before!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        rows[0].After!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        rows[1].After!.GetValue<string>().ShouldBe("closed");
    }

    [Fact]
    public void DiffRows_Granted_ShowTheDecryptedValuesMarkedRevealed()
    {
        var rows = Rows();
        var context = new RedactionContext(new Dictionary<string, byte[]> { ["subj-000001"] = Key }, new Dictionary<string, DateTimeOffset?>(),
            new RevealScope([("subj-000001", null)]));
        foreach (var row in rows)
            RedactionPolicy.Apply(row.Values, context);

        RedactionPolicy.IsRevealed(rows[0].Before, out var before).ShouldBeTrue();
        RedactionPolicy.IsRevealed(rows[0].After, out var after).ShouldBeTrue();
        before!["street"]!.GetValue<string>().ShouldBe("Main St 1");
        after!["street"]!.GetValue<string>().ShouldBe("Elm St 2");
        var cut = Render<DiffValue>(p => p.Add(x => x.Value, rows[0].After).Add(x => x.Present, true));
        cut.Find("[data-testid=revealed]").TextContent.ShouldBe("revealed");
    }

    [Fact]
    public void DiffTable_Masked_RendersNoCiphertext()
    {
        var rows = Rows();
        foreach (var row in rows)
            RedactionPolicy.Apply(row.Values, RedactionContext.Masked(new Dictionary<string, DateTimeOffset?>()));

        var cut = Render<DiffValue>(p => p.Add(x => x.Value, rows[0].Before).Add(x => x.Present, true));

        cut.Markup.ShouldContain(RedactionPolicy.MaskedText);
        cut.Markup.ShouldNotContain("A256GCM");
        cut.Markup.ShouldNotContain("\"ct\"");
    }
}

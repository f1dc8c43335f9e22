using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Redaction;

namespace AuditPortal.Tests.Portal;

public sealed class RedactionPolicyTests
{
    private static readonly byte[] AliceKey = RandomNumberGenerator.GetBytes(PersonalDataCipher.KeySize);
    private static readonly byte[] BobKey = RandomNumberGenerator.GetBytes(PersonalDataCipher.KeySize);

    private static JsonObject Payload()
    {
        var cipher = new PersonalDataCipher();
        return new JsonObject
        {
            ["amount"] = 125,
            ["name"] = cipher.Encrypt("alice", "name", "Alice Example", AliceKey),
            ["iban"] = cipher.Encrypt("bob", "iban", "DE02 1203 0000 0000 2020 51", BobKey),
            ["nested"] = new JsonObject { ["email"] = cipher.Encrypt("alice", "email", "alice@example.org", AliceKey) },
            ["list"] = new JsonArray(cipher.Encrypt("alice", "list", new JsonObject { ["x"] = 1 }, AliceKey), "plain"),
        };
    }

    private static readonly Dictionary<string, DateTimeOffset?> NoneErased = new(StringComparer.Ordinal);

    /// <summary>A grant over every field of these subjects, with their keys.</summary>
    private static RedactionContext Granted(Dictionary<string, byte[]> keys, IReadOnlyDictionary<string, DateTimeOffset?>? erased = null) =>
        new(keys, erased ?? NoneErased, new RevealScope(keys.Keys.Select(k => (k, (string?)null))));

    private static JsonNode? Revealed(JsonNode? node)
    {
        RedactionPolicy.IsRevealed(node, out var value).ShouldBeTrue($"{node?.ToJsonString()} is not marked revealed");
        return value;
    }

    [Fact]
    public void Apply_Masked_ReplacesEveryEnvelopeKeepsOtherFields()
    {
        var payload = Payload();

        RedactionPolicy.Apply(payload, RedactionContext.Masked(NoneErased));

        payload["amount"]!.GetValue<int>().ShouldBe(125);
        payload["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        payload["iban"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        payload["nested"]!["email"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        payload["list"]![0]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        payload["list"]![1]!.GetValue<string>().ShouldBe("plain");
        payload.ToJsonString().ShouldNotContain("A256GCM");
    }

    [Theory]
    [InlineData("plain")]   // an extra member: the shape of §7 is broken
    [InlineData("short")]   // a 4-byte ct cannot hold the 16-byte tag
    public void Apply_MalformedEnvelope_IsUnreadableNeverShownInTheClear(string breakage)
    {
        var envelope = new PersonalDataCipher().Encrypt("alice", "name", "Alice Example", AliceKey);
        if (breakage == "plain")
            envelope["plain"] = "Alice Example";
        else
            envelope["ct"] = "3q2+7w==";
        var payload = new JsonObject { ["name"] = envelope };

        RedactionPolicy.Apply(payload, Granted(new Dictionary<string, byte[]> { ["alice"] = AliceKey }));

        payload["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.UnreadableText);
        payload.ToJsonString().ShouldNotContain("Alice");
    }

    [Fact]
    public void Apply_Granted_DecryptsWithSubjectKeysMarkedRevealed()
    {
        var payload = Payload();
        var keys = new Dictionary<string, byte[]> { ["alice"] = AliceKey, ["bob"] = BobKey };
        var summary = new RedactionSummary();

        RedactionPolicy.Apply(payload, Granted(keys), summary);

        Revealed(payload["name"])!.GetValue<string>().ShouldBe("Alice Example");
        Revealed(payload["iban"])!.GetValue<string>().ShouldBe("DE02 1203 0000 0000 2020 51");
        Revealed(payload["nested"]!["email"])!.GetValue<string>().ShouldBe("alice@example.org");
        Revealed(payload["list"]![0])!["x"]!.GetValue<int>().ShouldBe(1);
        summary.Revealed.OrderBy(r => r.Subject + r.Field, StringComparer.Ordinal)
            .ShouldBe([("alice", "email"), ("alice", "list"), ("alice", "name"), ("bob", "iban")]);
    }

    [Fact]
    public void Apply_FieldGrant_RevealsOnlyThatFieldOfThatSubject()
    {
        var payload = Payload();
        var keys = new Dictionary<string, byte[]> { ["alice"] = AliceKey };
        var context = new RedactionContext(keys, NoneErased, new RevealScope([("alice", "email")]));

        RedactionPolicy.Apply(payload, context);

        Revealed(payload["nested"]!["email"])!.GetValue<string>().ShouldBe("alice@example.org");
        payload["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        payload["iban"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        payload.ToJsonString().ShouldNotContain("Alice Example");
    }

    [Fact]
    public void Apply_KeyWithoutGrant_StaysMasked()
    {
        var payload = Payload();

        RedactionPolicy.Apply(payload, new RedactionContext(new Dictionary<string, byte[]> { ["alice"] = AliceKey }, NoneErased, RevealScope.None));

        payload["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
    }

    [Fact]
    public void Apply_ShreddedSubject_IsErasedOnItsDateWithOrWithoutAGrant()
    {
        var erased = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal) { ["bob"] = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero) };
        var masked = Payload();
        var granted = Payload();
        var noRow = Payload();
        var summary = new RedactionSummary();

        RedactionPolicy.Apply(masked, RedactionContext.Masked(erased));
        // A grant over bob does not open an erased subject, even with a key at hand.
        RedactionPolicy.Apply(granted, Granted(new Dictionary<string, byte[]> { ["alice"] = AliceKey, ["bob"] = BobKey }, erased), summary);
        // Without the erasure row, a missing key reads as erased (date unknown).
        RedactionPolicy.Apply(noRow, new RedactionContext(new Dictionary<string, byte[]> { ["alice"] = AliceKey }, NoneErased, new RevealScope([("alice", null), ("bob", null)])));

        masked["iban"]!.GetValue<string>().ShouldBe("[erased on 2026-11-30]");
        masked["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        granted["iban"]!.GetValue<string>().ShouldBe("[erased on 2026-11-30]");
        Revealed(granted["name"])!.GetValue<string>().ShouldBe("Alice Example");
        summary.Erased.Keys.ShouldBe(["bob"]);
        noRow["iban"]!.GetValue<string>().ShouldBe(RedactionPolicy.ErasedText);
    }

    [Fact]
    public void Apply_WrongKey_IsUnreadableNotThrown()
    {
        var payload = Payload();
        var keys = new Dictionary<string, byte[]> { ["alice"] = BobKey, ["bob"] = BobKey };

        RedactionPolicy.Apply(payload, Granted(keys));

        payload["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.UnreadableText);
        Revealed(payload["iban"])!.GetValue<string>().ShouldBe("DE02 1203 0000 0000 2020 51");
    }

    [Fact]
    public void Apply_ObjectWithEncButNotAnEnvelope_IsUnreadableNotShown()
    {
        // docs/ledger-format.md §7: every payload object with an enc member is an envelope; a malformed one is unreadable.
        var payload = new JsonObject { ["meta"] = new JsonObject { ["enc"] = "A256GCM", ["note"] = "not an envelope" }, ["other"] = new JsonObject { ["note"] = "kept" } };

        RedactionPolicy.Apply(payload, RedactionContext.Masked(NoneErased));

        payload["meta"]!.GetValue<string>().ShouldBe(RedactionPolicy.UnreadableText);
        payload["other"]!["note"]!.GetValue<string>().ShouldBe("kept");
    }

    [Fact]
    public void SubjectsIn_FindsNestedSubjectsOnce()
    {
        RedactionPolicy.SubjectsIn([Payload(), Payload()]).OrderBy(s => s, StringComparer.Ordinal).ShouldBe(["alice", "bob"]);
    }

    [Theory]
    [InlineData(PortalRoles.Investigator, true)]
    [InlineData(PortalRoles.Auditor, false)]
    [InlineData(PortalRoles.Admin, false)]
    public void MayUnmask_OnlyInvestigators(string role, bool expected)
    {
        RedactionPolicy.MayUnmask(TestUsers.WithRoles("u", role)).ShouldBe(expected);
    }

    [Fact]
    public void MayUnmask_AdminWhoIsAlsoAuditor_No()
    {
        RedactionPolicy.MayUnmask(TestUsers.WithRoles("u", PortalRoles.Admin, PortalRoles.Auditor)).ShouldBeFalse();
    }

    [Fact]
    public void MayUnmask_AdminWhoIsAlsoInvestigator_No()
    {
        RedactionPolicy.MayUnmask(TestUsers.WithRoles("u", PortalRoles.Admin, PortalRoles.Investigator)).ShouldBeFalse();
    }
}

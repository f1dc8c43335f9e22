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

    private static readonly HashSet<string> NoneErased = new(StringComparer.Ordinal);

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

        RedactionPolicy.Apply(payload, new RedactionContext(RedactionMode.Unmasked, new Dictionary<string, byte[]> { ["alice"] = AliceKey }, NoneErased));

        payload["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.UnreadableText);
        payload.ToJsonString().ShouldNotContain("Alice");
    }

    [Fact]
    public void Apply_Unmasked_DecryptsWithSubjectKeys()
    {
        var payload = Payload();
        var keys = new Dictionary<string, byte[]> { ["alice"] = AliceKey, ["bob"] = BobKey };

        RedactionPolicy.Apply(payload, new RedactionContext(RedactionMode.Unmasked, keys, NoneErased));

        payload["name"]!.GetValue<string>().ShouldBe("Alice Example");
        payload["iban"]!.GetValue<string>().ShouldBe("DE02 1203 0000 0000 2020 51");
        payload["nested"]!["email"]!.GetValue<string>().ShouldBe("alice@example.org");
        payload["list"]![0]!["x"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public void Apply_ShreddedSubject_IsErasedForMaskedAndUnmasked()
    {
        var erased = new HashSet<string>(StringComparer.Ordinal) { "bob" };
        var masked = Payload();
        var unmasked = Payload();

        RedactionPolicy.Apply(masked, RedactionContext.Masked(erased));
        // Key gone and erasure recorded; also without the erasure row, a missing key reads as erased.
        RedactionPolicy.Apply(unmasked, new RedactionContext(RedactionMode.Unmasked, new Dictionary<string, byte[]> { ["alice"] = AliceKey }, NoneErased));

        masked["iban"]!.GetValue<string>().ShouldBe(RedactionPolicy.ErasedText);
        masked["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.MaskedText);
        unmasked["iban"]!.GetValue<string>().ShouldBe(RedactionPolicy.ErasedText);
        unmasked["name"]!.GetValue<string>().ShouldBe("Alice Example");
    }

    [Fact]
    public void Apply_WrongKey_IsUnreadableNotThrown()
    {
        var payload = Payload();
        var keys = new Dictionary<string, byte[]> { ["alice"] = BobKey, ["bob"] = BobKey };

        RedactionPolicy.Apply(payload, new RedactionContext(RedactionMode.Unmasked, keys, NoneErased));

        payload["name"]!.GetValue<string>().ShouldBe(RedactionPolicy.UnreadableText);
        payload["iban"]!.GetValue<string>().ShouldBe("DE02 1203 0000 0000 2020 51");
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
}

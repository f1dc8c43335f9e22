using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.PersonalData;

namespace AuditPortal.Tests.Data;

public sealed class EventPayloadTests
{
    // Members out of order, nested, escapes, non-ASCII, a surrogate pair, integers at the policy's edge.
    private static JsonObject Sample() => new()
    {
        ["zeta"] = "last",
        ["a\"quote"] = "line\nbreak\u0001",
        ["é"] = "ünïcødé 😀",
        ["nested"] = new JsonObject { ["y"] = new JsonArray(1, "two", null, true), ["x"] = (1L << 53) - 1 },
        ["amount"] = "12.34",
        ["flag"] = false,
        ["id"] = Guid.Parse("0191c7a2-0000-7000-8000-00000000000a"),
    };

    [Fact]
    public void Canonical_SameBytesAsTheAppendersCanonicalization()
    {
        EventPayload.Canonical(Sample()).ToString().ShouldBe(PayloadCanonicalizer.Canonicalize(Sample()));
        ((EventPayload)Sample()).ToString().ShouldBe(PayloadCanonicalizer.Canonicalize(Sample()));
    }

    [Fact]
    public void Canonical_OutsideThePayloadPolicy_Rejected()
    {
        Should.Throw<ArgumentException>(() => EventPayload.Canonical(new JsonObject { ["price"] = 1.5 })).Message.ShouldContain("only integers");
        Should.Throw<ArgumentException>(() => EventPayload.Canonical(new JsonObject { ["n"] = 1L << 53 }));
    }

    [Fact]
    public void HasMember_TopLevelOnly_BothForms()
    {
        foreach (var payload in new[] { (EventPayload)Sample(), EventPayload.Canonical(Sample()) })
        {
            payload.HasMember("a\"quote").ShouldBeTrue();
            payload.HasMember("é").ShouldBeTrue();
            payload.HasMember("zeta").ShouldBeTrue();
            payload.HasMember("x").ShouldBeFalse(); // only nested
            payload.HasMember("zet").ShouldBeFalse();
        }
    }

    [Fact]
    public void ToJsonObject_CanonicalizesBackToTheSameBytes()
    {
        var canonical = EventPayload.Canonical(Sample());
        var copy = canonical.ToJsonObject();
        copy["zeta"] = "changed"; // a copy: the payload keeps its bytes
        canonical.ToString().ShouldBe(PayloadCanonicalizer.Canonicalize(Sample()));
        PayloadCanonicalizer.CanonicalizeViaText(canonical.ToJsonObject()).ShouldBe(canonical.ToString());
    }

    [Fact]
    public void Replace_ValuesInAnyOrder_SameAsReplacingInTheTree()
    {
        var json = Encoding.UTF8.GetBytes(PayloadCanonicalizer.Canonicalize(Sample()));
        string[] names = ["nested", "a\"quote", "zeta"];
        var values = names.Select(n => Encoding.UTF8.GetBytes($$"""{"was":{{n.Length}}}""")).ToArray();
        var ranges = names.Select(n => CanonicalMembers.IndexOf(json, n)).ToArray();

        var expected = Sample();
        for (var i = 0; i < names.Length; i++)
            expected[names[i]] = new JsonObject { ["was"] = names[i].Length };
        Encoding.UTF8.GetString(CanonicalMembers.Replace(json, ranges, values)).ShouldBe(PayloadCanonicalizer.Canonicalize(expected));
        CanonicalMembers.IndexOf(json, "missing").Start.ShouldBe(-1);
    }

    [Fact]
    public void EncryptCanonical_TheFormatsEnvelope_SameAsTheObjectForm_AndOpens()
    {
        var key = RandomNumberGenerator.GetBytes(PersonalDataCipher.KeySize);
        using var aes = PersonalDataCipher.CreateAes(key);
        var value = (JsonNode)new JsonObject { ["street"] = "1 \"Main\" St", ["zip"] = 12345 };
        const string subject = "subj-\"ü\\1";
        var fromObject = new PersonalDataCipher(Ivs()).Encrypt(subject, "address", value, aes);
        var fromBytes = new PersonalDataCipher(Ivs()).EncryptCanonical(subject, "address",
            Encoding.UTF8.GetBytes(PayloadCanonicalizer.Canonicalize(value)), aes);

        Encoding.UTF8.GetString(fromBytes).ShouldBe(PayloadCanonicalizer.Canonicalize(fromObject));
        // Built here from the format (docs/ledger-format.md §7): AES-256-GCM of the value's canonical bytes,
        // AAD = subject LF field name, members ct, enc, iv, sub.
        var iv = Ivs()();
        var plaintext = Encoding.UTF8.GetBytes(PayloadCanonicalizer.Canonicalize(value));
        var sealedValue = new byte[plaintext.Length + PersonalDataCipher.TagSize];
        using (var reference = new AesGcm(key, PersonalDataCipher.TagSize))
            reference.Encrypt(iv, plaintext, sealedValue.AsSpan(0, plaintext.Length), sealedValue.AsSpan(plaintext.Length), Encoding.UTF8.GetBytes(subject + "\naddress"));
        var expected = new JsonObject
        {
            ["ct"] = Convert.ToBase64String(sealedValue), ["enc"] = "A256GCM", ["iv"] = Convert.ToBase64String(iv), ["sub"] = subject,
        };
        Encoding.UTF8.GetString(fromBytes).ShouldBe(PayloadCanonicalizer.CanonicalizeViaText(expected));
        var opened = PersonalDataCipher.Decrypt(JsonNode.Parse(fromBytes), "address", key);
        opened.Status.ShouldBe(PersonalValueStatus.Decrypted);
        PayloadCanonicalizer.CanonicalizeViaText(opened.Value).ShouldBe(PayloadCanonicalizer.Canonicalize(value));
    }

    private static Func<byte[]> Ivs()
    {
        var n = 0;
        return () => Enumerable.Range(0, PersonalDataCipher.IvSize).Select(i => (byte)(n++ + i)).ToArray();
    }
}

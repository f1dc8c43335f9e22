using Microsoft.Extensions.Time.Testing;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.PersonalData;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Tests.Data;

public sealed class CryptoShreddingTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private static NewEvent Onboarding(string subject, int n) => LedgerTestData.Event("cust-" + subject, n) with
    {
        Action = "customer.onboarded",
        Payload = new JsonObject { ["name"] = "Ada Lovelace " + subject, ["iban"] = "DE89 3704 0044 0532 0130 00", ["tier"] = "gold" },
        PersonalFields = [new("name", subject), new("iban", subject)],
    };

    /// <summary>Two appenders creating keys for the same new subjects, listed in opposite orders, used to deadlock.</summary>
    [Fact]
    public async Task GetOrCreateKeysAsync_ConcurrentOverlappingSubjectsInOppositeOrders_NoDeadlockSameKeys()
    {
        var keyStore = new KeyStore(db.DataSource(db.WriterConnectionString));
        for (var round = 0; round < 10; round++)
        {
            var subjects = Enumerable.Range(0, 300).Select(i => $"deadlock-{round}-{i:D3}").ToArray();
            var forward = Task.Run(() => keyStore.GetOrCreateKeysAsync(subjects));
            var backward = Task.Run(() => keyStore.GetOrCreateKeysAsync(subjects.Reverse()));
            var (a, b) = (await forward, await backward);
            foreach (var subject in subjects)
                a[subject].ShouldBe(b[subject]);
        }
    }

    /// <summary>
    /// Personal fields listed out of member order, in an object payload and in the same payload already canonical:
    /// both store the bytes of encrypting each field of the object (IVs drawn in list order) and canonicalizing it.
    /// </summary>
    [Fact]
    public async Task AppendAsync_CanonicalPayload_SameEnvelopesAsTheObjectPayload()
    {
        static JsonObject Payload() => new()
        {
            ["name"] = "Grace Hopper",
            ["address"] = new JsonObject { ["street"] = "1 \"Navy\" Way", ["zip"] = 22201 },
            ["iban"] = "DE89 3704 0044 0532 0130 00",
            ["tier"] = "gold",
        };
        PersonalField[] fields = [new("name", "s-canon"), new("iban", "s-canon"), new("address", "s-canon")];
        var events = new[]
        {
            LedgerTestData.Event("cust-canon-tree", 1) with { Payload = Payload(), PersonalFields = fields },
            LedgerTestData.Event("cust-canon-bytes", 1) with { Payload = EventPayload.Canonical(Payload()), PersonalFields = fields },
        };
        var stored = new List<string>();
        foreach (var e in events)
        {
            await using var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString),
                new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions { IvSource = CountingIvs() });
            await appender.AppendAsync([e]);
            stored.Add((await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString)).Single(r => r.StreamId == e.StreamId).PayloadJson);
        }

        var key = (await new KeyStore(db.DataSource(db.ReaderConnectionString)).GetKeyAsync("s-canon"))!;
        var expected = Payload();
        var cipher = new PersonalDataCipher(CountingIvs());
        foreach (var field in fields)
            expected[field.Name] = cipher.Encrypt(field.SubjectId, field.Name, expected[field.Name], key);
        stored.ShouldBe([PayloadCanonicalizer.Canonicalize(expected), PayloadCanonicalizer.Canonicalize(expected)]);
    }

    private static Func<byte[]> CountingIvs()
    {
        byte n = 0;
        return () => { n++; return Enumerable.Repeat(n, PersonalDataCipher.IvSize).ToArray(); };
    }

    [Fact]
    public async Task ShredAsync_PersonalFieldsBecomeErased_HashesStillVerify()
    {
        await using var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString),
            new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions());
        await appender.AppendAsync([Onboarding("s-1", 1), Onboarding("s-2", 2), Onboarding("s-1", 3)]);
        var readerKeys = new KeyStore(db.DataSource(db.ReaderConnectionString));

        var rows = await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString);
        var payload = JsonNode.Parse(rows[0].PayloadJson)!.AsObject();
        payload["tier"]!.GetValue<string>().ShouldBe("gold");
        // Case-sensitive and the whole clear value: a short, case-insensitive probe matches random base64 now and then.
        rows[0].PayloadJson.ShouldNotContain("Ada Lovelace", Case.Sensitive);
        var opened = PersonalDataCipher.Decrypt(payload["name"], "name", await readerKeys.GetKeyAsync("s-1"));
        opened.Status.ShouldBe(PersonalValueStatus.Decrypted);
        opened.Value!.GetValue<string>().ShouldBe("Ada Lovelace s-1");
        // The field name is authenticated: an envelope moved to another field does not open.
        PersonalDataCipher.Decrypt(payload["name"], "iban", await readerKeys.GetKeyAsync("s-1")).Status.ShouldBe(PersonalValueStatus.Invalid);

        var erasure = await new KeyStore(db.DataSource(db.KeyEraserConnectionString)).ShredAsync("s-1", "dpo@example.org", "GDPR art. 17 request");

        erasure.KeyDestroyed.ShouldBeTrue();
        (await readerKeys.GetKeyAsync("s-1")).ShouldBeNull();
        var after = await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString);
        after.Select(r => r.PayloadJson).ShouldBe(rows.Select(r => r.PayloadJson));
        LedgerTestData.AssertChainsIntact(after);
        foreach (var row in after)
        {
            var p = JsonNode.Parse(row.PayloadJson)!.AsObject();
            var subject = PersonalDataCipher.SubjectOf(p["name"])!;
            var result = PersonalDataCipher.Decrypt(p["name"], "name", await readerKeys.GetKeyAsync(subject));
            result.Status.ShouldBe(subject == "s-1" ? PersonalValueStatus.Erased : PersonalValueStatus.Decrypted);
        }
        (await readerKeys.GetErasureAsync("s-1"))!.ErasedBy.ShouldBe("dpo@example.org");
    }

    [Fact]
    public async Task AppendAsync_ForErasedSubject_Refused()
    {
        await using var appender = new LedgerAppender(db.DataSource(db.WriterConnectionString),
            new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions());
        await appender.AppendAsync([Onboarding("s-9", 1)]);
        await new KeyStore(db.DataSource(db.KeyEraserConnectionString)).ShredAsync("s-9", "dpo", "request");

        var ex = await Should.ThrowAsync<PostgresException>(() => appender.AppendAsync([Onboarding("s-9", 2)]));

        ex.SqlState.ShouldBe(PostgresErrorCodes.RestrictViolation);
        ex.MessageText.ShouldStartWith("subject s-9 was erased at ");
    }

    [Fact]
    public async Task KeyStore_RolesSeparated_WriterCannotShredAndEraserCannotCreate()
    {
        await new KeyStore(db.DataSource(db.WriterConnectionString)).GetOrCreateKeyAsync("s-roles");

        (await Should.ThrowAsync<PostgresException>(() =>
            new KeyStore(db.DataSource(db.WriterConnectionString)).ShredAsync("s-roles", "x", "y")))
            .SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await Should.ThrowAsync<PostgresException>(() =>
            new KeyStore(db.DataSource(db.KeyEraserConnectionString)).GetOrCreateKeyAsync("s-new")))
            .SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public void Cipher_DeterministicIvSource_SameEnvelope()
    {
        var key = new byte[32];
        var iv = Enumerable.Range(1, 12).Select(i => (byte)i).ToArray();
        var cipher = new PersonalDataCipher(() => iv);

        var a = cipher.Encrypt("s", "name", "Ada", key);
        var b = cipher.Encrypt("s", "name", "Ada", key);

        a.ToJsonString().ShouldBe(b.ToJsonString());
        a["iv"]!.GetValue<string>().ShouldBe(Convert.ToBase64String(iv));
        a["enc"]!.GetValue<string>().ShouldBe("A256GCM");
        PersonalDataCipher.Decrypt(a, "name", key).Value!.GetValue<string>().ShouldBe("Ada");
    }

    [Fact]
    public void Cipher_TamperedCiphertext_Invalid()
    {
        var key = new byte[32];
        var envelope = new PersonalDataCipher().Encrypt("s", "name", new JsonObject { ["b"] = 1, ["a"] = "x" }, key);
        var ct = Convert.FromBase64String(envelope["ct"]!.GetValue<string>());
        ct[0] ^= 1;
        envelope["ct"] = Convert.ToBase64String(ct);

        var result = PersonalDataCipher.Decrypt(envelope, "name", key);

        result.Status.ShouldBe(PersonalValueStatus.Invalid);
        result.Problem.ShouldNotBeNull().ShouldContain("authentication failed");
        HashHex.Zero.Length.ShouldBe(32);
    }
}

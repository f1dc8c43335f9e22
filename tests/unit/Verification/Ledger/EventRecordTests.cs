using System.Security.Cryptography;
using System.Text;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Ledger;

public sealed class EventRecordTests
{
    internal static LedgerEvent Sample() => new()
    {
        Seq = 1,
        EventId = Guid.Parse("01890a5d-ac96-774b-bcce-b302099a8057"),
        StreamType = "account",
        StreamId = "acc-000001",
        StreamSeq = 1,
        OccurredAt = new DateTime(2024, 1, 2, 8, 0, 0, DateTimeKind.Utc),
        RecordedAt = new DateTime(2024, 1, 2, 8, 0, 0, DateTimeKind.Utc).AddTicks(2500),
        Actor = "svc:kyc",
        Action = "account.opened",
        ClientAddress = "127.0.0.1",
        SchemaVersion = 1,
        PayloadJson = "{\"currency\":\"EUR\",\"kind\":\"brokerage\"}",
        PrevHash = HashHex.Zero,
        StreamPrevHash = HashHex.Zero,
    };

    [Fact]
    public void CanonicalBytes_Sample_MatchesTheDocumentedMemberOrder()
    {
        Encoding.UTF8.GetString(EventRecord.CanonicalBytes(Sample())).ShouldBe(
            "{\"action\":\"account.opened\",\"actor\":\"svc:kyc\",\"client_address\":\"127.0.0.1\"," +
            "\"event_id\":\"01890a5d-ac96-774b-bcce-b302099a8057\",\"idempotency_key\":null,\"lineage\":null," +
            "\"occurred_at\":\"2024-01-02T08:00:00.000000Z\",\"payload\":{\"currency\":\"EUR\",\"kind\":\"brokerage\"}," +
            "\"prev_hash\":\"0000000000000000000000000000000000000000000000000000000000000000\"," +
            "\"recorded_at\":\"2024-01-02T08:00:00.000250Z\",\"schema_version\":1,\"seq\":1,\"stream_id\":\"acc-000001\"," +
            "\"stream_prev_hash\":\"0000000000000000000000000000000000000000000000000000000000000000\"," +
            "\"stream_seq\":1,\"stream_type\":\"account\",\"supersedes\":null,\"v\":1}");
    }

    [Fact]
    public void LeafHash_IsSha256OfZeroPrefixAndCanonicalBytes()
    {
        var e = Sample();
        var expected = SHA256.HashData([0x00, .. EventRecord.CanonicalBytes(e)]);
        EventRecord.LeafHash(e).ShouldBe(expected);
    }

    [Fact]
    public void CanonicalBytes_LineageAndSupersedes_AreWrittenInOrder()
    {
        var e = Sample() with
        {
            Supersedes = Guid.Parse("01890a5d-ac96-774b-bcce-b302099a8058"),
            Lineage = new LedgerLineage([Guid.Parse("01890a5d-ac96-774b-bcce-b302099a8059"), Guid.Parse("01890a5d-ac96-774b-bcce-b302099a8050")], "tax.annual-statement", "2024.1"),
            IdempotencyKey = "k-1",
            ClientAddress = null,
        };
        var text = Encoding.UTF8.GetString(EventRecord.CanonicalBytes(e));
        text.ShouldContain("\"client_address\":null");
        text.ShouldContain("\"idempotency_key\":\"k-1\"");
        text.ShouldContain("\"lineage\":{\"inputs\":[\"01890a5d-ac96-774b-bcce-b302099a8059\",\"01890a5d-ac96-774b-bcce-b302099a8050\"],\"rule_id\":\"tax.annual-statement\",\"rule_version\":\"2024.1\"}");
        text.ShouldContain("\"supersedes\":\"01890a5d-ac96-774b-bcce-b302099a8058\"");
    }

    [Theory]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("tab\there", "\"tab\\there\"")]
    [InlineData("\u0001\u001f", "\"\\u0001\\u001f\"")]
    [InlineData("€ and 😀", "\"€ and 😀\"")]
    [InlineData("\u007f", "\"\u007f\"")]
    public void CanonicalBytes_Strings_AreEscapedMinimally(string actor, string expectedLiteral)
    {
        var text = Encoding.UTF8.GetString(EventRecord.CanonicalBytes(Sample() with { Actor = actor }));
        text.ShouldContain("\"actor\":" + expectedLiteral + ",");
    }

    [Fact]
    public void CanonicalBytes_LoneSurrogate_IsRejected()
    {
        Should.Throw<ArgumentException>(() => EventRecord.CanonicalBytes(Sample() with { Actor = "x\ud800y" }));
    }

    [Fact]
    public void LeafHash_AnyFieldChange_ChangesTheHash()
    {
        var baseline = HashHex.ToHex(EventRecord.LeafHash(Sample()));
        LedgerEvent[] variants =
        [
            Sample() with { Seq = 2 },
            Sample() with { StreamSeq = 2 },
            Sample() with { Actor = "svc:kyC" },
            Sample() with { Action = "account.closed" },
            Sample() with { ClientAddress = null },
            Sample() with { SchemaVersion = 2 },
            Sample() with { PayloadJson = "{\"currency\":\"USD\",\"kind\":\"brokerage\"}" },
            Sample() with { OccurredAt = Sample().OccurredAt.AddTicks(10) },
            Sample() with { RecordedAt = Sample().RecordedAt.AddTicks(10) },
            Sample() with { PrevHash = Enumerable.Repeat((byte)1, 32).ToArray() },
            Sample() with { StreamPrevHash = Enumerable.Repeat((byte)1, 32).ToArray() },
            Sample() with { StreamId = "acc-000002" },
            Sample() with { StreamType = "trade" },
            Sample() with { EventId = Guid.Parse("01890a5d-ac96-774b-bcce-b302099a8056") },
            Sample() with { IdempotencyKey = "k" },
        ];
        foreach (var v in variants)
            HashHex.ToHex(EventRecord.LeafHash(v)).ShouldNotBe(baseline, v.ToString());
    }
}

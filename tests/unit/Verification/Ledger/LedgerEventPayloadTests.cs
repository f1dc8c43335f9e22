using System.Text;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Ledger;

/// <summary>An event's payload as text or as its UTF-8 bytes is the same record (docs/ledger-format.md §2).</summary>
public sealed class LedgerEventPayloadTests
{
    private const string NonAscii = """{"name":"Zoë Ørsted – 東京 😀","note":"a\u0001b"}""";

    [Theory]
    [InlineData("{\"currency\":\"EUR\",\"kind\":\"brokerage\"}")]
    [InlineData(NonAscii)]
    public void CanonicalBytes_PayloadAsUtf8_SameBytesAndLeafHashAsText(string payload)
    {
        var asText = EventRecordTests.Sample() with { PayloadJson = payload };
        var asBytes = EventRecordTests.Sample() with { PayloadUtf8 = Encoding.UTF8.GetBytes(payload) };

        EventRecord.CanonicalBytes(asBytes).ShouldBe(EventRecord.CanonicalBytes(asText));
        EventRecord.LeafHash(asBytes).ShouldBe(EventRecord.LeafHash(asText));
        asBytes.PayloadJson.ShouldBe(payload);
        asText.PayloadUtf8.ShouldBeNull();
    }

    [Fact]
    public void With_TextAfterBytes_TheTextIsThePayload()
    {
        var e = EventRecordTests.Sample() with { PayloadUtf8 = "{\"a\":1}"u8.ToArray() };

        var replaced = e with { PayloadJson = "{\"a\":2}" };

        replaced.PayloadUtf8.ShouldBeNull();
        Encoding.UTF8.GetString(EventRecord.CanonicalBytes(replaced)).ShouldContain("\"payload\":{\"a\":2}");
    }

    [Fact]
    public void PayloadJson_NeitherTextNorBytesSet_ClearError()
    {
        var e = new LedgerEvent
        {
            Seq = 1,
            EventId = Guid.Empty,
            StreamType = "account",
            StreamId = "a",
            StreamSeq = 1,
            OccurredAt = DateTime.UnixEpoch,
            RecordedAt = DateTime.UnixEpoch,
            Actor = "x",
            Action = "y",
            SchemaVersion = 1,
            PrevHash = HashHex.Zero,
            StreamPrevHash = HashHex.Zero,
        };

        Should.Throw<InvalidOperationException>(() => e.PayloadJson).Message.ShouldContain("no payload");
        Should.Throw<InvalidOperationException>(() => EventRecord.LeafHash(e));
    }
}

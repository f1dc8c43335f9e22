using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;

namespace AuditPortal.Tests.Data;

public sealed class PayloadCanonicalizerTests
{
    [Theory]
    [InlineData("""{"b":1,"a":{"y":null,"x":[true,false,"s"]}}""", """{"a":{"x":[true,false,"s"],"y":null},"b":1}""")]
    [InlineData("""{"\u20ac":1,"\r":2,"1":3,"\ud83d\ude00":4,"\ufb33":5}""", "{\"\\r\":2,\"1\":3,\"€\":1,\"😀\":4,\"\uFB33\":5}")]
    [InlineData("""{"s":"tab\there \"q\" \\ \u0001 é"}""", "{\"s\":\"tab\\there \\\"q\\\" \\\\ \\u0001 é\"}")]
    [InlineData("""{"n":-9007199254740991,"m":0}""", """{"m":0,"n":-9007199254740991}""")]
    public void Canonicalize_Examples_Rfc8785Form(string input, string expected)
    {
        PayloadCanonicalizer.Canonicalize(JsonNode.Parse(input)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("""{"amount":12.5}""")]
    [InlineData("""{"amount":1e3}""")]
    [InlineData("""{"big":9007199254740992}""")]
    public void Canonicalize_NonIntegerOrUnsafeNumber_Rejected(string input)
    {
        Should.Throw<ArgumentException>(() => PayloadCanonicalizer.Canonicalize(JsonNode.Parse(input)))
            .Message.ShouldContain("amounts and decimals as strings");
    }

    [Fact]
    public void Canonicalize_ClrValuesInNodes_Serialized()
    {
        var id = Guid.Parse("01890a5d-ac96-774b-bcce-b302099a8057");
        PayloadCanonicalizer.Canonicalize(new JsonObject { ["id"] = id, ["n"] = 3L, ["ok"] = true })
            .ShouldBe("""{"id":"01890a5d-ac96-774b-bcce-b302099a8057","n":3,"ok":true}""");
    }
}

public sealed class PayloadCanonicalizerDirectPathTests
{
    public static TheoryData<string> Nodes() => new()
    {
        """{"b":1,"a":{"y":null,"x":[true,false,"s",[],{}]}}""",
        """{"\u20ac":1,"\r":2,"1":3,"\ud83d\ude00":4,"\ufb33":5,"":"empty"}""",
        """{"s":"tab\there \"q\" \\ \u0001 \u007f \u2028 é <>&'"}""",
        """{"n":-9007199254740991,"m":0,"z":-0,"p":9007199254740991}""",
        """[1,"a",null,{"k":[{"b":2,"a":1}]}]""",
        "\"just a string\"",
        "17",
    };

    [Theory]
    [MemberData(nameof(Nodes))]
    public void Canonicalize_ParsedNodes_SameBytesAsTextPath(string json)
    {
        var node = JsonNode.Parse(json);
        PayloadCanonicalizer.Canonicalize(node).ShouldBe(PayloadCanonicalizer.CanonicalizeViaText(node));
    }

    [Fact]
    public void Canonicalize_ClrValues_SameBytesAsTextPath()
    {
        var node = new JsonObject
        {
            ["id"] = Guid.Parse("01890A5D-AC96-774B-BCCE-B302099A8057"),
            ["l"] = 9_007_199_254_740_991L,
            ["i"] = -5,
            ["t"] = true,
            ["f"] = false,
            ["s"] = "x\u0000y",
            ["nested"] = new JsonArray(1, "two", new JsonObject { ["b"] = 2L, ["a"] = 1L }),
            ["nul"] = null,
            ["pair"] = "\ud83d\ude00",
        };
        PayloadCanonicalizer.Canonicalize(node).ShouldBe(PayloadCanonicalizer.CanonicalizeViaText(node));
    }

    [Theory]
    [InlineData(9_007_199_254_740_992L)]
    [InlineData(-9_007_199_254_740_992L)]
    public void Canonicalize_UnsafeClrInteger_Rejected(long value)
    {
        Should.Throw<ArgumentException>(() => PayloadCanonicalizer.Canonicalize(new JsonObject { ["n"] = value }))
            .Message.ShouldContain("amounts and decimals as strings");
    }

    [Fact]
    public void Canonicalize_ClrDouble_RejectedUnlessIntegral()
    {
        Should.Throw<ArgumentException>(() => PayloadCanonicalizer.Canonicalize(new JsonObject { ["n"] = 12.5 }));
        PayloadCanonicalizer.Canonicalize(new JsonObject { ["n"] = 3.0 })
            .ShouldBe(PayloadCanonicalizer.CanonicalizeViaText(new JsonObject { ["n"] = 3.0 }));
    }

    [Fact]
    public void Canonicalize_DemoLedgerPayloads_SameBytesAsTextPath()
    {
        foreach (var e in new AuditPortal.Data.Demo.DemoLedgerGenerator(7).Events(20_000))
            e.Payload.ToString().ShouldBe(PayloadCanonicalizer.CanonicalizeViaText(e.Payload.ToJsonObject())); // made by the direct path
    }
}

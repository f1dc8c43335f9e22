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

using System.Text;
using AuditPortal.Verification.StrictJson;

namespace AuditPortal.Tests.Verification.StrictJson;

public sealed class StrictJsonReaderTests
{
    private sealed record Doc
    {
        [System.Text.Json.Serialization.JsonPropertyName("a")] public required long A { get; init; }
        [System.Text.Json.Serialization.JsonPropertyName("b")] public required string? B { get; init; }
        [System.Text.Json.Serialization.JsonPropertyName("c")] public required IReadOnlyList<string> C { get; init; }
    }

    private static StrictJsonException Rejects(string json) =>
        Should.Throw<StrictJsonException>(() => StrictJsonReader.Read<Doc>(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Read_WellFormed_Maps()
    {
        var doc = StrictJsonReader.Read<Doc>("""{"a":9007199254740991,"b":null,"c":["x"]}"""u8);
        doc.A.ShouldBe(StrictJsonReader.MaxInteger);
        doc.C.ShouldBe(["x"]);
    }

    [Theory]
    [InlineData("""{"a":1,"a":1,"b":null,"c":[]}""", "duplicate_member", "$.a")]
    [InlineData("""{"a":1,"\u0061":2,"b":null,"c":[]}""", "duplicate_member", "$.a")]
    [InlineData("""{"a":1,"b":null,"c":[{"x":1},{"y":1,"y":2}]}""", "duplicate_member", "$.c[1].y")]
    [InlineData("""{"a":1,"b":null,"c":[],"d":0}""", "unknown_member", "$.d")]
    [InlineData("""{"a":1,"c":[]}""", "member", "$")]
    [InlineData("""{"a":"1","b":null,"c":[]}""", "member", "$.a")]
    [InlineData("""{"a":1,"b":null,"c":null}""", "member", "$.c")]
    [InlineData("""{"a":1,"b":null,"c":[null]}""", "member", "$.c[0]")]
    [InlineData("""{"a":1.0,"b":null,"c":[]}""", "integer", "$.a")]
    [InlineData("""{"a":-0,"b":null,"c":[]}""", "integer", "$.a")]
    [InlineData("""{"a":1E2,"b":null,"c":[]}""", "integer", "$.a")]
    [InlineData("""{"a":9007199254740992,"b":null,"c":[]}""", "integer", "$.a")]
    [InlineData("""{"a":1,"b":"\udc00","c":[]}""", "lone_surrogate", "$.b")]
    [InlineData("""{"a":1,"b":null,"c":[]} {}""", "json", "$")]
    [InlineData("""{"a":1,"b":null,"c":[],}""", "json", "$.c")]
    public void Read_BrokenRule_NamesTheRuleAndThePath(string json, string rule, string path)
    {
        var ex = Rejects(json);
        ex.Rule.ShouldBe(rule, ex.Message);
        ex.Path.ShouldBe(path, ex.Message);
    }

    [Theory]
    [InlineData("""{"n":-9007199254740991}""", true)]
    [InlineData("""{"n":-1}""", true)]
    [InlineData("""{"n":0}""", true)]
    [InlineData("""{"n":-0}""", false)]
    [InlineData("""{"n":-9007199254740992}""", false)]
    [InlineData("""{"n":-1.5}""", false)]
    public void CheckDocument_SignedIntegers_AsARecordPayloadMayHoldThem(string json, bool valid)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (valid)
            StrictJsonReader.CheckDocument(bytes, signedIntegers: true);
        else
            Should.Throw<StrictJsonException>(() => StrictJsonReader.CheckDocument(bytes, signedIntegers: true)).Rule.ShouldBe("integer");
    }

    [Fact]
    public void CheckDocument_ByteOrderMarkOrInvalidUtf8_IsNotJson()
    {
        Should.Throw<StrictJsonException>(() => StrictJsonReader.CheckDocument([0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'])).Rule.ShouldBe("json");
        Should.Throw<StrictJsonException>(() => StrictJsonReader.CheckDocument([(byte)'"', 0xC3, (byte)'"'])).Rule.ShouldBe("json");
    }
}

using System.Text;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
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

    [Theory]
    [InlineData("AAAA", true)]
    [InlineData("3q2+7w==", true)]
    [InlineData("3q2+7w=", false)]          // length not a multiple of 4
    [InlineData("3q2+7x==", false)]         // unused bits not zero
    [InlineData("3q2+\n7w==", false)]       // line break inside
    [InlineData("3q2-7w==", false)]         // URL-safe alphabet
    [InlineData("3q2+7w=====", false)]
    [InlineData("=AAA", false)]
    public void StrictBase64_AcceptsOnlyTheCanonicalText(string text, bool valid)
    {
        (StrictBase64.TryDecode(text, out var problem) is not null).ShouldBe(valid, problem);
    }

    [Theory]
    [InlineData("ledger/demo", true)]
    [InlineData("access-log/demo", true)]
    [InlineData("ledger/0demo.eu_1-x", true)]
    [InlineData("ledger", false)]
    [InlineData("ledger/", false)]
    [InlineData("ledger/-demo", false)]
    [InlineData("ledger/de mo", false)]
    [InlineData("ledger/de/mo", false)]
    [InlineData("Ledger/demo", false)]
    [InlineData("audit/demo", false)]
    [InlineData("ledger/démo", false)]
    public void CheckpointOrigin_Grammar(string origin, bool valid)
    {
        (CheckpointOrigin.Problem(origin) is null).ShouldBe(valid, CheckpointOrigin.Problem(origin));
    }

    [Fact]
    public void CheckpointOrigin_TooLongDeployment_IsRejected()
    {
        CheckpointOrigin.Problem("ledger/" + new string('a', 64)).ShouldBeNull();
        CheckpointOrigin.Problem("ledger/" + new string('a', 65)).ShouldNotBeNull();
    }
}

using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;

namespace AuditPortal.Tests.Data;

public sealed class CanonicalObjectWriterTests
{
    [Fact]
    public void ToPayload_AnyOrder_SameBytesAsCanonicalizingTheObject()
    {
        // "ｚ" (U+FF5A) sorts after "😀" (U+1F600, UTF-16 D83D DE00) by UTF-16 code units, before it by code points.
        var writer = new CanonicalObjectWriter()
            .String("ｚ", "fullwidth").String("😀", "emoji").String("é", "e-acute").String("a\"b", "quote\\ and\nnewline\u001f")
            .String("", "empty name").String("Z", "upper before lower").String("a", "");
        var expected = new JsonObject
        {
            ["ｚ"] = "fullwidth", ["😀"] = "emoji", ["é"] = "e-acute", ["a\"b"] = "quote\\ and\nnewline\u001f",
            [""] = "empty name", ["Z"] = "upper before lower", ["a"] = "",
        };

        writer.ToPayload().ToString().ShouldBe(PayloadCanonicalizer.CanonicalizeViaText(expected));
    }

    [Fact]
    public void ToPayload_StartsOver_AndRejectsATwiceWrittenName()
    {
        var writer = new CanonicalObjectWriter();
        writer.String("b", "1").String("a", "2").ToPayload().ToString().ShouldBe("""{"a":"2","b":"1"}""");
        writer.ToPayload().ToString().ShouldBe("{}");
        Should.Throw<ArgumentException>(() => writer.String("x", "1").String("x", "2").ToPayload()).Message.ShouldContain("'x'");
        writer.String("y", "after a failure").ToPayload().ToString().ShouldBe("""{"y":"after a failure"}""");
    }

    [Fact]
    public void String_LoneSurrogate_Rejected()
    {
        Should.Throw<ArgumentException>(() => new CanonicalObjectWriter().String("bad", "\uD800x"));
    }
}

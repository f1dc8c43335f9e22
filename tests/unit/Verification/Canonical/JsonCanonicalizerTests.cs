using System.Buffers;
using System.Text;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Tests.Verification.Canonical;

public class JsonCanonicalizerTests
{
    private static string WriteString(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonCanonicalizer.WriteString(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("q\"b\\", "\"q\\\"b\\\\\"")]
    [InlineData("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"")]
    [InlineData("\u0000\u001f\u000b", "\"\\u0000\\u001f\\u000b\"")]
    [InlineData("/ \u007f é € 😀", "\"/ \u007f é € 😀\"")]
    public void WriteString_Value_WritesMinimalEscapes(string value, string expected)
    {
        WriteString(value).ShouldBe(expected);
    }

    [Fact]
    public void WriteString_LoneSurrogate_Throws()
    {
        // Built in code: xunit's test-case serialization would replace lone surrogates with U+FFFD.
        string[] values = ["\ud800", "a\udc00", "\ude00\ud83d", "x\udbff"];

        foreach (var value in values)
        {
            Should.Throw<ArgumentException>(() => WriteString(value), Convert.ToHexString(Encoding.Unicode.GetBytes(value)))
                .Message.ShouldContain("lone surrogate");
        }
    }

    [Fact]
    public void WriteString_EveryBmpCharacter_MatchesCanonicalizerOfEscapedInput()
    {
        var all = new StringBuilder();
        for (int c = 0; c < 0x10000; c++)
        {
            if (!char.IsSurrogate((char)c))
            {
                all.Append((char)c);
            }
        }

        string value = all.ToString();
        string escapedInput = "\"" + string.Concat(value.Select(ch => $"\\u{(int)ch:x4}")) + "\"";

        Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(escapedInput)).ShouldBe(WriteString(value));
    }

    [Fact]
    public void Canonicalize_RawLoneSurrogateBytes_Throws()
    {
        // CESU-8 encoding of U+D800: not UTF-8.
        byte[] json = [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'];

        Should.Throw<CanonicalJsonException>(() => JsonCanonicalizer.Canonicalize(json));
    }

    [Fact]
    public void Canonicalize_DuplicateName_NamesTheMember()
    {
        Should.Throw<CanonicalJsonException>(() => JsonCanonicalizer.Canonicalize("{\"x\":{\"id\":1,\"id\":2}}"))
            .Message.ShouldContain("duplicate member name \"id\"");
    }

    [Fact]
    public void IsCanonical_WhitespaceOrUnsortedMembers_IsFalse()
    {
        JsonCanonicalizer.IsCanonical("{\"a\":1,\"b\":2}"u8).ShouldBeTrue();
        JsonCanonicalizer.IsCanonical("{\"b\":2,\"a\":1}"u8).ShouldBeFalse();
        JsonCanonicalizer.IsCanonical("{\"a\": 1}"u8).ShouldBeFalse();
        JsonCanonicalizer.IsCanonical("[1.0]"u8).ShouldBeFalse();
        JsonCanonicalizer.IsCanonical("\"\\u00e9\""u8).ShouldBeFalse();
    }

    [Fact]
    public void Canonicalize_DeepNesting_Succeeds()
    {
        string json = new string('[', 200) + new string(']', 200);

        Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(json)).ShouldBe(json);
    }

    [Fact]
    public void WriteNumber_Integer_WritesPlainDigits()
    {
        var buffer = new ArrayBufferWriter<byte>();

        JsonCanonicalizer.WriteNumber(buffer, 9007199254740991);

        Encoding.ASCII.GetString(buffer.WrittenSpan).ShouldBe("9007199254740991");
    }

    [Fact]
    public void WriteString_SpanDestination_WritesSameBytesAsBufferWriter()
    {
        const string value = "a\"b\u0001é😀";
        var span = new byte[JsonCanonicalizer.GetMaxStringByteCount(value.Length)];

        int written = JsonCanonicalizer.WriteString(span, value);

        Encoding.UTF8.GetString(span, 0, written).ShouldBe(WriteString(value));
    }

    [Fact]
    public void WriteString_SpanTooSmall_Throws()
    {
        Should.Throw<ArgumentException>(() => JsonCanonicalizer.WriteString(new byte[4], "abc")).Message.ShouldContain("want at least 20");
    }
}

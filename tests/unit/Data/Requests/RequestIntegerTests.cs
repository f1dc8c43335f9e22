using AuditPortal.Data.Requests;

namespace AuditPortal.Tests.Data.Requests;

/// <summary>The one rule for whole numbers in requests: digits only, in range, never above 2^53 − 1.</summary>
public sealed class RequestIntegerTests
{
    [Theory]
    [InlineData("1", 1L)]
    [InlineData("600", 600L)]
    [InlineData("9007199254740991", RequestInteger.MaxSafe)]
    public void Check_InRange_Parses(string text, long expected)
    {
        RequestInteger.Check("size", text, 1, RequestInteger.MaxSafe, out long value).ShouldBeNull();
        value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("9007199254740992")]      // 2^53: passes long.TryParse, breaks the access log's canonical JSON
    [InlineData("9223372036854775807")]   // long.MaxValue
    [InlineData("99999999999999999999")]  // beyond long
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("1e3")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("1_000")]
    [InlineData("١٢")]                    // Arabic-Indic digits
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(null)]
    public void Check_OutOfRangeOrMalformed_NamesTheParameter(string? text)
    {
        var problem = RequestInteger.Check("size", text, 1, RequestInteger.MaxSafe, out long value);

        problem.ShouldNotBeNull();
        problem.ShouldStartWith("size: ");
        problem.ShouldContain("9007199254740991");
        value.ShouldBe(0);
    }

    [Fact]
    public void Check_IntRange_BoundsBothEnds()
    {
        RequestInteger.Check("limit", "500", 1, 500, out int ok).ShouldBeNull();
        ok.ShouldBe(500);
        RequestInteger.Check("limit", "501", 1, 500, out int _).ShouldBe("limit: a whole number from 1 to 500, not '501'");
    }

    [Fact]
    public void Check_HostileText_IsEchoedBoundedAndVisible()
    {
        var problem = RequestInteger.Check("size", "1\u202E" + new string('9', 10_000), 1, 100, out long _)!;

        problem.Length.ShouldBeLessThan(200);
        problem.ShouldNotContain("\u202E");
        problem.ShouldContain("[U+202E]");
    }

    [Fact]
    public void Check_RangeBeyondMaxSafe_IsAProgrammingError() =>
        Should.Throw<ArgumentOutOfRangeException>(() => RequestInteger.Check("size", "1", 1, long.MaxValue, out long _));
}

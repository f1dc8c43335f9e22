using AuditPortal.Portal.Gateway;

namespace AuditPortal.Tests.Portal;

/// <summary>The one text rule (QueryPurpose.Problem) and the unmask reason rules built on it.</summary>
public sealed class QueryPurposeTests
{
    [Theory]
    [InlineData(null, "at least 10 characters")]
    [InlineData("", "at least 10 characters")]
    [InlineData("too short", "at least 10 characters")]
    [InlineData("         x          ", "at least 10 characters")]
    [InlineData("case\u0000 4711 fraud", "control characters")]
    [InlineData("case 4711 \u202Edualc\u202C fraud", "invisible text-direction characters")]
    [InlineData("check \u2066isolate\u2069 this one", "invisible text-direction characters")]
    [InlineData("1234567890 !!", "in words")]
    public void TryReason_Invalid_IsRefusedWithTheRuleItBroke(string? reason, string rule)
    {
        QueryPurpose.TryReason(reason, out var purpose, out var problem).ShouldBeFalse();
        purpose.ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain(rule);
    }

    [Fact]
    public void TryReason_TooLong_IsRefused()
    {
        QueryPurpose.TryReason(new string('a', 10_000), out _, out var problem).ShouldBeFalse();
        problem.ShouldBe($"The reason may be at most {QueryPurpose.MaximumLength} characters long.");
    }

    [Fact]
    public void TryReason_TenCharacters_IsAcceptedTrimmed()
    {
        QueryPurpose.TryReason("  case 47110  ", out var purpose, out _).ShouldBeTrue();
        purpose!.Text.ShouldBe("case 47110");
    }

    [Fact]
    public void TryReason_LineBreaksAndTabs_AreAllowed()
    {
        QueryPurpose.TryReason("Suspected takeover:\n\tcheck the holder", out var purpose, out _).ShouldBeTrue();
        purpose!.Text.ShouldContain('\n');
    }

    [Theory]
    [InlineData("", 0, 5, null)]
    [InlineData("", 1, 5, "The label is required.")]
    [InlineData("abcdef", 1, 5, "The label may be at most 5 characters long.")]
    [InlineData("a\u200Fb", 1, 5, "The label contains invisible text-direction characters.")]
    public void Problem_TheOneRule_NamesTheField(string text, int min, int max, string? expected)
    {
        QueryPurpose.Problem(text, "The label", min, max).ShouldBe(expected);
    }
}

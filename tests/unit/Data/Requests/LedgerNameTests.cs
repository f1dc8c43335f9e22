using AuditPortal.Data.Requests;
using AuditPortal.Data.Timeline;

namespace AuditPortal.Tests.Data.Requests;

/// <summary>The one rule for names (stream type and id, actor, action) and the one way to show a stored one.</summary>
public sealed class LedgerNameTests
{
    public static TheoryData<string> Hostile => new()
    {
        "a\u202Eb/c",            // right-to-left override: displays spoofed
        "acc\u200B-1",           // zero-width space: looks like acc-1
        "acc\u2066-1",           // left-to-right isolate
        "acc\uFEFF-1",           // byte-order mark (format)
        "acc\u2028-1",           // line separator
        "acc\u0000-1",           // NUL
        "acc\n-1",
        "acc\u001B[31m",         // terminal escape
        "acc\uD800",             // unpaired surrogate
        "tag\U000E0041",         // tag character (format, outside the BMP)
        new string('x', LedgerName.MaxLength + 1),
        new string('x', 10_000),
        "",
    };

    [Theory]
    [MemberData(nameof(Hostile), DisableDiscoveryEnumeration = true)]
    public void Problem_HostileOrOverlong_SaysWhy(string name)
    {
        var problem = LedgerName.Problem("stream id", name);

        problem.ShouldNotBeNull();
        problem.ShouldStartWith("stream id: ");
        Should.Throw<QueryValidationException>(() => LedgerName.Check("stream id", name)).Reason.ShouldBe(problem);
    }

    [Theory]
    [InlineData("acc-000001")]
    [InlineData("tax_form")]
    [InlineData("acc-1/2024")]
    [InlineData("ops.jdoe")]
    [InlineData("Zoë Ødegård")]
    [InlineData("用户-7")]
    [InlineData("emoji-😀")]
    public void Problem_PlainNames_Accepted(string name)
    {
        LedgerName.Problem("id", name).ShouldBeNull();
        LedgerName.ForDisplay(name).ShouldBe(name);
    }

    [Fact]
    public void Problem_LongestName_Accepted() => LedgerName.Problem("id", new string('x', LedgerName.MaxLength)).ShouldBeNull();

    [Fact]
    public void Check_Null_MeansNotGiven() => LedgerName.Check("actor", null);

    [Fact]
    public void ForDisplay_BidiOverride_ShownAsCodePoint() =>
        LedgerName.ForDisplay("a\u202Eb/c").ShouldBe("a[U+202E]b/c");

    [Theory]
    [MemberData(nameof(Hostile), DisableDiscoveryEnumeration = true)]
    public void ForDisplay_AnyStoredString_IsPlainAndBounded(string stored)
    {
        var shown = LedgerName.ForDisplay(stored);

        LedgerName.IsPlainText(shown).ShouldBeTrue(shown);
        shown.Length.ShouldBeLessThanOrEqualTo(LedgerName.DisplayLength * "[U+XXXXX]".Length + 30);
    }

    [Fact]
    public void ForDisplay_TenThousandCharacters_CutWithTheLength()
    {
        var shown = LedgerName.ForDisplay(new string('w', 10_000));

        shown.ShouldBe(new string('w', LedgerName.DisplayLength) + "… (10000 characters)");
    }

    [Fact]
    public void ForDisplay_NeverSplitsASurrogatePair()
    {
        var shown = LedgerName.ForDisplay(string.Concat(Enumerable.Repeat("😀", 100)), maxLength: 3);

        shown.ShouldBe("😀😀😀… (200 characters)");
    }
}

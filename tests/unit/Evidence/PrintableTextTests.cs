using AuditPortal.Evidence.Pdf;

namespace AuditPortal.Tests.Evidence;

/// <summary>Hostile text in a ledger field cannot hide or reorder what an evidence PDF shows.</summary>
public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("plain text, é ü ß 漢字", "plain text, é ü ß 漢字")]
    [InlineData("evil\u202Etxt.exe", "evil\\u{202E}txt.exe")]          // right-to-left override
    [InlineData("a\u200Bb", "a\\u{200B}b")]                             // zero-width space
    [InlineData("line\nbreak\ttab\0nul", "line\\u{000A}break\\u{0009}tab\\u{0000}nul")]
    [InlineData("emoji \U0001F600 kept", "emoji \U0001F600 kept")]     // a surrogate pair is one character
    public void Of_InvisibleOrControlCharacters_AreShownAsEscapes(string text, string printed) =>
        PrintableText.Of(text).ShouldBe(printed);

    [Fact]
    public void Of_LoneSurrogate_IsShownAsAnEscape() => // built here: xUnit's data attributes cannot carry a lone surrogate
        PrintableText.Of("lone " + (char)0xD800 + " surrogate").ShouldBe("lone \\u{D800} surrogate");

    [Fact]
    public void Of_LongText_IsKeptWhole() =>
        PrintableText.Of(new string('x', 10_000)).Length.ShouldBe(10_000);
}

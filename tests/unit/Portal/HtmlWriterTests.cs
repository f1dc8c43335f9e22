using AngleSharp.Html.Parser;
using AuditPortal.Portal.Shared;

namespace AuditPortal.Tests.Portal;

/// <summary>The markup writer of row parts: every text and attribute value comes back as the same text, never as markup.</summary>
public sealed class HtmlWriterTests
{
    public static TheoryData<string> Hostile => new()
    {
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "' onmouseover='alert(1)",
        "a\u202eb/c\u2066d",
        "&amp; &lt; ]]> <!-- -->",
        new string('x', 10_000) + "<b>",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void TextAndAttributeValues_AreReadBackAsTheSameText_NoElementOrAttributeAppears(string value)
    {
        var markup = new HtmlWriter()
            .Open("div", ("data-testid", "cell"), ("title", value), ("class", null))
            .Text(value)
            .Element("span", value, ("data-testid", "inner"))
            .Close("div")
            .ToMarkup();

        var document = new HtmlParser().ParseDocument("<body>" + markup.Value + "</body>");
        var cell = document.Body!.Children.ShouldHaveSingleItem();
        cell.GetAttribute("title").ShouldBe(value);
        cell.Attributes.Select(a => a.Name).ShouldBe(["data-testid", "title"], "a null attribute is left out; nothing is added");
        cell.TextContent.ShouldBe(value + value);
        cell.Children.ShouldHaveSingleItem().GetAttribute("data-testid").ShouldBe("inner");
        document.QuerySelectorAll("script, img, b").ShouldBeEmpty();
    }

    [Fact]
    public void TrustedMarkup_IsWrittenAsItIs() =>
        new HtmlWriter().Markup(new Microsoft.AspNetCore.Components.MarkupString("<svg><path d=\"M0\"/></svg>")).ToMarkup().Value
            .ShouldBe("<svg><path d=\"M0\"/></svg>");
}

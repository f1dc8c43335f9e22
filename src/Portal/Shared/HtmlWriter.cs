using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;

namespace AuditPortal.Portal.Shared;

/// <summary>
/// Writes the parts of a row that have no event handler as one markup frame (docs/ui.md, "Rows are markup"). Each
/// element, attribute and text of a Razor row is a render-tree frame that is built, diffed and written out on every
/// render: on a 50-row timeline page they were a sixth of the portal's CPU per view. Every text and attribute value is
/// HTML-encoded here with the framework's encoder; tag and attribute names are the caller's constants, never data.
/// Interactive parts (buttons with handlers) and components stay Razor.
/// </summary>
public sealed class HtmlWriter
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    private readonly StringBuilder html = new(512);

    /// <summary>Opens <paramref name="tag"/>; an attribute whose value is null is left out.</summary>
    public HtmlWriter Open(string tag, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        html.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null)
                continue;
            html.Append(' ').Append(name).Append("=\"");
            Append(value);
            html.Append('"');
        }
        html.Append('>');
        return this;
    }

    public HtmlWriter Close(string tag)
    {
        html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Text content, encoded.</summary>
    public HtmlWriter Text(string? text)
    {
        if (text is not null)
            Append(text);
        return this;
    }

    /// <summary>An element holding only <paramref name="text"/>.</summary>
    public HtmlWriter Element(string tag, string? text, params ReadOnlySpan<(string Name, string? Value)> attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    /// <summary>Markup that is safe already: an icon of <see cref="PlainMarkup"/>, another writer's output.</summary>
    public HtmlWriter Markup(MarkupString markup)
    {
        html.Append(markup.Value);
        return this;
    }

    public MarkupString ToMarkup() => new(html.ToString());

    // The encoder returns the string itself when nothing in it needs encoding (times, ids, class names).
    private void Append(string value) => html.Append(Encoder.Encode(value));
}

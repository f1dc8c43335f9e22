using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace AuditPortal.Evidence.Pdf;

/// <summary>
/// Writes lines of text down A4 pages, wrapping long text and starting a new page when the current one is full.
/// Headers and page numbers are drawn afterwards (<see cref="EvidencePdfWriter"/>), when the page count is known.
/// </summary>
internal sealed class PageFlow(PdfDocument document) : IDisposable
{
    public const double Margin = 50;
    public const double TopMargin = 60;
    public const double BottomMargin = 60;

    public static readonly XFont Body = new(EvidenceFonts.Sans, 9);
    public static readonly XFont Bold = new(EvidenceFonts.Sans, 9, XFontStyleEx.Bold);
    public static readonly XFont Small = new(EvidenceFonts.Sans, 7.5);
    public static readonly XFont Title = new(EvidenceFonts.Sans, 18, XFontStyleEx.Bold);
    public static readonly XFont Heading = new(EvidenceFonts.Sans, 12, XFontStyleEx.Bold);
    public static readonly XFont Mono = new(EvidenceFonts.Mono, 7);
    public static readonly XFont MonoSmall = new(EvidenceFonts.Mono, 5.5); // two 64-digit hashes with their indices fit one line

    private readonly Dictionary<XFont, double> widestAscii = [];
    private XGraphics? gfx;
    private double y;

    public PdfPage? Page { get; private set; }

    private double Width => Page!.Width.Point - (2 * Margin);

    /// <summary>Starts a new page (the first call starts the first).</summary>
    public void NewPage()
    {
        FinishPage();
        Page = document.AddPage();
        Page.Size = PdfSharp.PageSize.A4;
        gfx = XGraphics.FromPdfPage(Page);
        y = TopMargin;
    }

    /// <summary>Starts a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void Need(double height)
    {
        if (Page is null || y + height > Page.Height.Point - BottomMargin)
            NewPage();
    }

    public void Space(double points) => y += points;

    /// <summary>
    /// Writes <paramref name="text"/> wrapped to the page width, indented by <paramref name="indent"/> points; each LF
    /// starts a new line (the report's own multi-line text: the signed note, the PEM). Ledger text reaches here escaped
    /// (<see cref="EvidenceEventView"/>), so a line break inside a value is shown, never obeyed.
    /// </summary>
    public void Text(string text, XFont font, double indent = 0, XBrush? brush = null)
    {
        var lineHeight = font.Size * 1.3;
        foreach (var line in Wrap(text, font, Width - indent))
        {
            Need(lineHeight);
            gfx!.DrawString(line, font, brush ?? XBrushes.Black, new XPoint(Margin + indent, y + font.Size));
            y += lineHeight;
        }
    }

    /// <summary>A label in bold followed by its value, the value wrapped in a column (every character of it shown: a LF too).</summary>
    public void Labelled(string label, string value, double labelWidth = 150, XFont? valueFont = null)
    {
        var font = valueFont ?? Body;
        var lines = Wrap(PrintableText.Of(value), font, Width - labelWidth).ToList();
        var lineHeight = Math.Max(font.Size, Bold.Size) * 1.3;
        Need(lineHeight);
        gfx!.DrawString(label, Bold, XBrushes.Black, new XPoint(Margin, y + Bold.Size));
        foreach (var line in lines)
        {
            Need(lineHeight);
            gfx.DrawString(line, font, XBrushes.Black, new XPoint(Margin + labelWidth, y + font.Size));
            y += lineHeight;
        }
    }

    /// <summary>A thin horizontal rule across the text width.</summary>
    public void Rule(XColor? color = null)
    {
        Need(6);
        gfx!.DrawLine(new XPen(color ?? XColors.LightGray, 0.5), Margin, y + 3, Margin + Width, y + 3);
        y += 6;
    }

    /// <summary>Where the next line goes on the current page (the top of a block, for <see cref="MarginBar"/>).</summary>
    public double Top => y;

    /// <summary>A coloured bar in the left margin from <paramref name="top"/> to the cursor, on the current page (marks a correction).</summary>
    public void MarginBar(double top, XColor color)
    {
        var from = top > y ? TopMargin : top; // the block began on the previous page
        gfx!.DrawRectangle(new XSolidBrush(color), Margin - 8, from, 3, Math.Max(y - from, 1));
    }

    private IEnumerable<string> Wrap(string text, XFont font, double width)
    {
        foreach (var paragraph in text.Split('\n').Select(PrintableText.Of))
        {
            if (SurelyFits(paragraph, font, width) || Measure(paragraph, font) <= width)
            {
                yield return paragraph;
                continue;
            }
            var line = "";
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (Measure(candidate, font) <= width)
                {
                    line = candidate;
                    continue;
                }
                if (line.Length > 0)
                    yield return line;
                line = word;
                // A word wider than the line (a hash, a hostile 10,000-character string) is cut by characters.
                while (Measure(line, font) > width)
                {
                    var fit = Fit(line, font, width);
                    yield return line[..fit];
                    line = line[fit..];
                }
            }
            yield return line;
        }
    }

    private int Fit(string text, XFont font, double width)
    {
        int low = 1, high = text.Length;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (Measure(text[..mid], font) <= width)
                low = mid;
            else
                high = mid - 1;
        }
        // Never split a surrogate pair.
        return low > 1 && char.IsHighSurrogate(text[low - 1]) ? low - 1 : low;
    }

    /// <summary>
    /// True when <paramref name="text"/> is printable ASCII short enough that even the font's widest ASCII glyph,
    /// repeated, fits: most lines of a report (every proof line) are drawn without being measured first.
    /// </summary>
    private bool SurelyFits(string text, XFont font, double width) =>
        text.Length * WidestAscii(font) <= width && !text.AsSpan().ContainsAnyExceptInRange(' ', '~');

    private double WidestAscii(XFont font)
    {
        if (!widestAscii.TryGetValue(font, out var widest))
        {
            for (var c = ' '; c <= '~'; c++)
                widest = Math.Max(widest, Measure(c.ToString(), font));
            widestAscii[font] = widest;
        }
        return widest;
    }

    private double Measure(string text, XFont font)
    {
        if (gfx is null)
            NewPage();
        return gfx!.MeasureString(text, font).Width;
    }

    /// <summary>Ends the current page's drawing and compresses what was drawn (thousands of pages stay small in memory).</summary>
    private void FinishPage()
    {
        if (gfx is null)
            return;
        gfx.Dispose();
        gfx = null;
        StreamCompression.CompressPage(Page!);
    }

    public void Dispose() => FinishPage();
}

using PdfSharp.Fonts;

namespace AuditPortal.Evidence.Pdf;

/// <summary>
/// The evidence PDF's fonts: DejaVu Sans (text) and DejaVu Sans Mono (hashes, proofs), read from Debian's
/// <c>fonts-dejavu-core</c> (installed by <c>./portal up</c>) and embedded as subsets. PDFsharp's font resolver is
/// process-wide and can be set once; <see cref="EnsureRegistered"/> does it the first time a PDF is drawn.
/// </summary>
/// <remarks>
/// Another directory holding the same four files can be named with <c>AUDITPORTAL_FONTS_DIR</c> before the first PDF.
/// </remarks>
public sealed class EvidenceFonts : IFontResolver
{
    public const string Sans = "DejaVu Sans";
    public const string Mono = "DejaVu Sans Mono";
    public const string DefaultDirectory = "/usr/share/fonts/truetype/dejavu";
    public const string DirectoryVariable = "AUDITPORTAL_FONTS_DIR";

    private static readonly Lock Gate = new();
    private static bool registered;

    private readonly string directory;
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);

    private EvidenceFonts(string directory) => this.directory = directory;

    /// <exception cref="InvalidOperationException">A font file is missing: the message names it and the package that has it.</exception>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (registered)
                return;
            var directory = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } d ? d : DefaultDirectory;
            var resolver = new EvidenceFonts(directory);
            foreach (var face in new[] { "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono", "DejaVuSansMono-Bold" })
                resolver.Load(face);
            if (GlobalFontSettings.FontResolver is null)
                GlobalFontSettings.FontResolver = resolver;
            registered = true;
        }
    }

    private void Load(string face)
    {
        var path = Path.Combine(directory, face + ".ttf");
        if (!File.Exists(path))
            throw new InvalidOperationException($"the evidence PDF font {path} is missing: install the Debian package fonts-dejavu-core (./portal up does) or set {DirectoryVariable}");
        files[face] = File.ReadAllBytes(path);
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        var mono = familyName.Equals(Mono, StringComparison.OrdinalIgnoreCase);
        var face = (mono ? "DejaVuSansMono" : "DejaVuSans") + (bold ? "-Bold" : "");
        // Italic is simulated by PDFsharp; the report uses none, but a request for it must not fail.
        return new FontResolverInfo(face, false, italic);
    }

    public byte[]? GetFont(string faceName) => files.GetValueOrDefault(faceName);
}

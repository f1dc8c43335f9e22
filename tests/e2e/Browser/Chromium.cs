namespace AuditPortal.Tests.E2e.Browser;

/// <summary>
/// Debian's <c>chromium</c>, which the browser tests drive (Playwright's own browser download does not
/// work here; DESIGN §6). <c>./portal test</c> installs it and exports <c>AUDITPORTAL_TEST_CHROMIUM</c>.
/// </summary>
public static class Chromium
{
    public const string EnvironmentVariable = "AUDITPORTAL_TEST_CHROMIUM";

    /// <summary>Headless-safe flags: no sandbox (tests may run as root), nothing that phones home.</summary>
    public static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>The binary from <c>AUDITPORTAL_TEST_CHROMIUM</c>, else <c>chromium</c> on the PATH; null if neither exists.</summary>
    public static string? ExecutablePath { get; } = Locate();

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string MissingMessage =>
        $"Chromium not found: {EnvironmentVariable} is unset or not a file, and there is no 'chromium' on the PATH. " +
        "Install it with 'apt-get install -y chromium' (./portal test does).";

    private static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : null;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "chromium"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>
/// A browser test: skipped with the reason when Chromium is missing on a developer machine; in CI
/// (<c>CI=true</c>) it runs anyway and the fixture fails with <see cref="Chromium.MissingMessage"/>.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() => Skip = SkipReason();

    internal static string? SkipReason() => Chromium.ExecutablePath is null && !Chromium.IsCi ? Chromium.MissingMessage : null;
}

/// <inheritdoc cref="ChromiumFactAttribute"/>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute() => Skip = ChromiumFactAttribute.SkipReason();
}
